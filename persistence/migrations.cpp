#include "persistence/migrations.hpp"

namespace spawn {

const char* const schema_migrations_ddl = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer     PRIMARY KEY,
  name       text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)
)sql";

namespace {

/// Sessions, their event log and generated files (DESIGN §4), plus the tables
/// later issues build on: cost items, cluster nodes and docker hosts.
const char* const m0001_initial_schema = R"sql(
CREATE TABLE sessions (
  id                text PRIMARY KEY,
  owner             text NOT NULL DEFAULT '',
  prompt            text NOT NULL DEFAULT '',
  app_type          text NOT NULL,
  state             text NOT NULL,
  tier              text NOT NULL DEFAULT 'small',
  node_id           text NOT NULL DEFAULT '',
  app_url           text NOT NULL DEFAULT '',
  manage_token_hash text NOT NULL DEFAULT '',
  container_id      text NOT NULL DEFAULT '',
  host_port         integer NOT NULL DEFAULT 0,
  message           text NOT NULL DEFAULT '',
  failure_reason    text NOT NULL DEFAULT '',
  created_at        timestamptz NULL,
  started_at        timestamptz NULL,
  expires_at        timestamptz NULL,
  destroyed_at      timestamptz NULL,
  estimated_cost    double precision NOT NULL DEFAULT 0,
  actual_cost       double precision NOT NULL DEFAULT 0,
  metadata          jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX sessions_state_idx ON sessions (state);
CREATE INDEX sessions_owner_idx ON sessions (owner);
CREATE INDEX sessions_node_id_idx ON sessions (node_id);
CREATE INDEX sessions_created_at_idx ON sessions (created_at DESC);
CREATE INDEX sessions_expires_at_live_idx ON sessions (expires_at)
  WHERE state <> 'destroyed';

CREATE TABLE session_events (
  session_id text        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  seq        bigint      NOT NULL,
  at         timestamptz NOT NULL DEFAULT now(),
  level      text        NOT NULL DEFAULT 'info',
  phase      text        NOT NULL DEFAULT '',
  message    text        NOT NULL DEFAULT '',
  PRIMARY KEY (session_id, seq)
);

CREATE TABLE app_artifacts (
  session_id    text        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  version       integer     NOT NULL,
  title         text        NOT NULL DEFAULT '',
  template_name text        NOT NULL DEFAULT '',
  entry         text        NOT NULL DEFAULT '',
  run           jsonb       NOT NULL DEFAULT '[]'::jsonb,
  files         jsonb       NOT NULL DEFAULT '[]'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, version)
);

CREATE TABLE cost_items (
  id         bigserial PRIMARY KEY,
  session_id text             NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  kind       text             NOT NULL,
  quantity   double precision NOT NULL DEFAULT 0,
  unit       text             NOT NULL DEFAULT '',
  unit_price double precision NOT NULL DEFAULT 0,
  amount     double precision NOT NULL DEFAULT 0,
  at         timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX cost_items_session_idx ON cost_items (session_id);

CREATE TABLE nodes (
  id             text PRIMARY KEY,
  address        text        NOT NULL DEFAULT '',
  port           integer     NOT NULL DEFAULT 0,
  state          text        NOT NULL DEFAULT 'up',
  capacity       integer     NOT NULL DEFAULT 0,
  started_at     timestamptz NOT NULL DEFAULT now(),
  heartbeat_at   timestamptz NOT NULL DEFAULT now(),
  metadata       jsonb       NOT NULL DEFAULT '{}'::jsonb
);

CREATE TABLE hosts (
  id           text PRIMARY KEY,
  node_id      text        NOT NULL DEFAULT '',
  endpoint     text        NOT NULL DEFAULT '',
  state        text        NOT NULL DEFAULT 'ready',
  capacity     integer     NOT NULL DEFAULT 0,
  in_use       integer     NOT NULL DEFAULT 0,
  heartbeat_at timestamptz NULL,
  metadata     jsonb       NOT NULL DEFAULT '{}'::jsonb
);
)sql";

/// Generation accounting and the prompt cache (issue 5): tokens and their cost
/// per session; which backend and model made an artifact, and its cache key.
const char* const m0002_generation_usage = R"sql(
ALTER TABLE sessions
  ADD COLUMN input_tokens        bigint           NOT NULL DEFAULT 0,
  ADD COLUMN output_tokens       bigint           NOT NULL DEFAULT 0,
  ADD COLUMN generation_cost_usd double precision NOT NULL DEFAULT 0;
ALTER TABLE app_artifacts
  ADD COLUMN backend   text NOT NULL DEFAULT '',
  ADD COLUMN model     text NOT NULL DEFAULT '',
  ADD COLUMN cache_key text NOT NULL DEFAULT '';
CREATE INDEX app_artifacts_cache_key_idx ON app_artifacts (cache_key, created_at DESC)
  WHERE cache_key <> '';
)sql";

/// API keys of users (issue 6): only hashes; a revoked key stays for the record.
const char* const m0003_api_keys = R"sql(
CREATE TABLE api_keys (
  id         text PRIMARY KEY,
  owner      text        NOT NULL,
  key_hash   text        NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz NULL
);
CREATE INDEX api_keys_owner_idx ON api_keys (owner);
)sql";

/// The cluster (issue 14): nodes sharing a cluster name take over each other's
/// sessions (a node without one only its own); each start of a node is a new
/// incarnation (epoch)
/// with a lease in the database's clock; a session is owned by (node, epoch)
/// and every write of it is conditional on that pair (fencing). Joins, leaves,
/// deaths, claims and fencings go into `cluster_events`.
const char* const m0004_cluster = R"sql(
ALTER TABLE nodes
  ADD COLUMN cluster      text        NOT NULL DEFAULT '',
  ADD COLUMN epoch        bigint      NOT NULL DEFAULT 0,
  ADD COLUMN cluster_host text        NOT NULL DEFAULT '',
  ADD COLUMN cluster_port integer     NOT NULL DEFAULT 0,
  ADD COLUMN edge_address text        NOT NULL DEFAULT '',
  ADD COLUMN lease_until  timestamptz NOT NULL DEFAULT now();
ALTER TABLE sessions
  ADD COLUMN owner_epoch bigint NOT NULL DEFAULT 0;
CREATE INDEX sessions_owner_live_idx ON sessions (node_id, owner_epoch)
  WHERE state <> 'destroyed';
CREATE TABLE cluster_events (
  seq     bigserial   PRIMARY KEY,
  at      timestamptz NOT NULL DEFAULT now(),
  node_id text        NOT NULL,
  epoch   bigint      NOT NULL DEFAULT 0,
  kind    text        NOT NULL,
  detail  jsonb       NOT NULL DEFAULT '{}'::jsonb,
  by_node text        NOT NULL DEFAULT ''
);
)sql";

/// Turns and versions (issue 15): where each version came from, the template
/// edits it was rendered with, and the thread of a session's turns. Numbered
/// after its issue so parallel branches do not claim the same version.
const char* const m0015_turns = R"sql(
ALTER TABLE app_artifacts
  ADD COLUMN turn          integer NOT NULL DEFAULT 0,
  ADD COLUMN prompt        text    NOT NULL DEFAULT '',
  ADD COLUMN restored_from integer NOT NULL DEFAULT 0,
  ADD COLUMN edits         text    NOT NULL DEFAULT '';
CREATE TABLE session_turns (
  session_id    text             NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  number        integer          NOT NULL,
  kind          text             NOT NULL DEFAULT 'prompt',
  prompt        text             NOT NULL,
  status        text             NOT NULL DEFAULT 'running',
  reply         text             NOT NULL DEFAULT '',
  base_version  integer          NOT NULL DEFAULT 0,
  version       integer          NOT NULL DEFAULT 0,
  input_tokens  bigint           NOT NULL DEFAULT 0,
  output_tokens bigint           NOT NULL DEFAULT 0,
  cost_usd      double precision NOT NULL DEFAULT 0,
  created_at    timestamptz      NOT NULL DEFAULT now(),
  finished_at   timestamptz      NULL,
  PRIMARY KEY (session_id, number)
);
)sql";

/// Docker hosts (issue 17): the stub table of m0001 becomes the node's host
/// set: what kind of engine, where apps are published, capacity and usage,
/// DigitalOcean's region, size, droplet id and hourly price. `capacity` is
/// the sessions it takes, `in_use` the containers on it, `endpoint` the
/// engine's address, `heartbeat_at` its last answer.
const char* const m0017_hosts = R"sql(
ALTER TABLE hosts
  ADD COLUMN kind            text             NOT NULL DEFAULT 'local',
  ADD COLUMN private_address text             NOT NULL DEFAULT '127.0.0.1',
  ADD COLUMN region          text             NOT NULL DEFAULT '',
  ADD COLUMN size            text             NOT NULL DEFAULT '',
  ADD COLUMN tier            text             NOT NULL DEFAULT '',
  ADD COLUMN capacity_memory bigint           NOT NULL DEFAULT 0,
  ADD COLUMN used_memory     bigint           NOT NULL DEFAULT 0,
  ADD COLUMN hourly_cost     double precision NOT NULL DEFAULT 0,
  ADD COLUMN droplet_id      text             NOT NULL DEFAULT '',
  ADD COLUMN created_at      timestamptz      NOT NULL DEFAULT now(),
  ADD CONSTRAINT hosts_state_check
    CHECK (state IN ('provisioning', 'ready', 'draining', 'gone')),
  ADD CONSTRAINT hosts_kind_check CHECK (kind IN ('local', 'tcp', 'digitalocean'));
CREATE INDEX hosts_node ON hosts (node_id);
)sql";

/// Uploaded code (issue 18): a version built from an upload is a .tar.gz of
/// the tree it runs from (its files and installed dependencies), so restart
/// recovery, a takeover and a rollback redeploy it without building again.
const char* const m0018_source_bundles = R"sql(
ALTER TABLE app_artifacts ADD COLUMN bundle bytea NOT NULL DEFAULT ''::bytea;
)sql";

/// Droplet hours (issue 17): one line per droplet a node requested, kept
/// after the droplet (and its `hosts` row) is gone: what DigitalOcean bills,
/// and the share of it its sessions used.
const char* const m0019_host_costs = R"sql(
CREATE TABLE host_costs (
  node_id      text             NOT NULL,
  host_id      text             NOT NULL,
  droplet_id   text             NOT NULL DEFAULT '',
  region       text             NOT NULL DEFAULT '',
  size         text             NOT NULL DEFAULT '',
  hourly_usd   double precision NOT NULL DEFAULT 0,
  started_at   timestamptz      NOT NULL,
  until        timestamptz      NOT NULL,
  amount       double precision NOT NULL DEFAULT 0,
  sessions_usd double precision NOT NULL DEFAULT 0,
  ended        boolean          NOT NULL DEFAULT false,
  PRIMARY KEY (node_id, host_id),
  CHECK (amount >= 0 AND sessions_usd >= 0 AND hourly_usd >= 0)
);
)sql";

/// Custom domains (issue 18): who holds each one. A domain has one holder at a
/// time (the primary key); a holder that is no longer live loses it to the
/// next session that asks. The session's own list is in its metadata.
const char* const m0020_session_domains = R"sql(
CREATE TABLE session_domains (
  domain      text        PRIMARY KEY,
  session_id  text        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  attached_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX session_domains_session ON session_domains (session_id);
)sql";

/// Droplet hours in the bill (issue 17): a line of `cost_items` belongs to a
/// session or, with no session, to a host (a droplet's `droplet` and
/// `droplet_idle` lines, one of each per node and host, upserted with its
/// `host_costs` line). A session's lines name the node and host it ran on, so
/// a droplet's cost joins the sessions it carried. The droplets' lines so far
/// are written from their `host_costs` lines.
const char* const m0021_host_cost_items = R"sql(
ALTER TABLE cost_items
  ALTER COLUMN session_id DROP NOT NULL,
  ADD COLUMN node_id text NOT NULL DEFAULT '',
  ADD COLUMN host_id text NOT NULL DEFAULT '',
  ADD CONSTRAINT cost_items_owner_check CHECK (session_id IS NOT NULL OR host_id <> '');
CREATE UNIQUE INDEX cost_items_host_line ON cost_items (node_id, host_id, kind)
  WHERE session_id IS NULL;
CREATE INDEX cost_items_host_idx ON cost_items (node_id, host_id) WHERE host_id <> '';
INSERT INTO cost_items (session_id, node_id, host_id, kind, quantity, unit, unit_price, amount, at)
SELECT NULL, node_id, host_id, k.kind,
       CASE WHEN k.kind = 'droplet' OR amount <= 0 THEN h.hours
            ELSE h.hours * greatest(amount - sessions_usd, 0) / amount END,
       'hour', hourly_usd,
       CASE WHEN k.kind = 'droplet' THEN amount ELSE greatest(amount - sessions_usd, 0) END, until
  FROM host_costs
 CROSS JOIN LATERAL (SELECT greatest(extract(epoch FROM until - started_at) / 3600, 0)::double precision
                       AS hours) h
 CROSS JOIN (VALUES ('droplet'), ('droplet_idle')) k (kind)
 WHERE host_id <> '';
)sql";

} // namespace

const std::vector<migration>& migrations() {
  static const std::vector<migration> all{
    {1, "initial_schema", m0001_initial_schema},
    {2, "generation_usage", m0002_generation_usage},
    {3, "api_keys", m0003_api_keys},
    {4, "cluster", m0004_cluster},
    {15, "turns", m0015_turns},
    {17, "hosts", m0017_hosts},
    {18, "source_bundles", m0018_source_bundles},
    {19, "host_costs", m0019_host_costs},
    {20, "session_domains", m0020_session_domains},
    {21, "host_cost_items", m0021_host_cost_items},
  };
  return all;
}

} // namespace spawn
