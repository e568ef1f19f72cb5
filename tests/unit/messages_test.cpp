// Every record and message that crosses an actor boundary goes through CAF's
// binary serializer and back unchanged, alone and inside a `caf::message`
// (which needs the type registered by `register_message_types`): what the
// cluster's middleman will do with them.

#include "core/messages.hpp"

#include <gtest/gtest.h>

#include <caf/all.hpp>

using namespace spawn;

namespace {

class messages_test : public ::testing::Test {
protected:
  messages_test() : sys_{init(cfg_)} {}

  static caf::actor_system_config& init(caf::actor_system_config& cfg) {
    register_message_types(cfg);
    return cfg;
  }

  template <class T>
  std::vector<char> bytes(T& x) {
    std::vector<char> buf;
    caf::binary_serializer sink{sys_, buf};
    auto err = sink(x);
    EXPECT_FALSE(err) << caf::to_string(err);
    return buf;
  }

  /// Serializes `x`, reads it back, and checks that the copy serializes to the
  /// same bytes, that a default value does not (so the fields travel), and that
  /// `x` also crosses inside a message.
  template <class T>
  T round_trip(T x) {
    auto buf = bytes(x);
    T y;
    caf::binary_deserializer source{sys_, buf};
    auto err = source(y);
    EXPECT_FALSE(err) << caf::to_string(err);
    EXPECT_EQ(bytes(y), buf) << "a field was lost on the way";
    T empty{};
    EXPECT_NE(bytes(empty), buf) << "the test value is the default one";
    auto msg = caf::make_message(x);
    std::vector<char> mbuf;
    caf::binary_serializer msink{sys_, mbuf};
    auto merr = msink(msg);
    EXPECT_FALSE(merr) << "not registered? " << caf::to_string(merr);
    caf::message back;
    caf::binary_deserializer msource{sys_, mbuf};
    merr = msource(back);
    EXPECT_FALSE(merr) << caf::to_string(merr);
    EXPECT_TRUE(back.match_elements<T>()) << "the message came back with other types";
    return y;
  }

  caf::actor_system_config cfg_;
  caf::actor_system sys_;
};

session_record a_session() {
  session_record s;
  s.id = "s0123456789a";
  s.owner = "bob";
  s.prompt = "a todo\n list with \"quotes\" and \u00e9";
  s.type = app_type::api;
  s.state = phase::sleeping;
  s.tier = "medium";
  s.node_id = "node-2";
  s.app_url = "https://s0123456789a.apps.example.com/";
  s.manage_token_hash = std::string(64, 'f');
  s.container_id = "c0ffee";
  s.host_port = 49152;
  s.message = "Idle";
  s.failure_reason = "none";
  s.created_at = 1700000000000;
  s.started_at = 1700000000100;
  s.expires_at = 1700007200000;
  s.destroyed_at = 1;
  s.estimated_cost = 0.25;
  s.actual_cost = 0.125;
  s.metadata = R"({"k": [1, 2]})";
  s.input_tokens = 1200;
  s.output_tokens = 3400;
  s.generation_cost_usd = 0.05;
  s.owner_epoch = 7;
  return s;
}

event_record an_event() {
  event_record ev;
  ev.seq = 42;
  ev.session_id = "s0123456789a";
  ev.at = 1700000000200;
  ev.level = "warn";
  ev.phase = "deploying";
  ev.message = "Deploying";
  return ev;
}

generated_app an_app() {
  generated_app app;
  app.title = "Todo";
  app.files = {{"index.html", "<h1>hi</h1>"}, {"app.js", "console.log(1)"}};
  app.entry = "index.html";
  app.run = {"node", "server.js"};
  app.backend = "template";
  app.model = "m";
  app.template_name = "todo";
  return app;
}

container_info a_container() {
  container_info c;
  c.id = "abc";
  c.name = "spawnai-s0123456789a";
  c.image = "spawnai/runtime-node:1";
  c.state = "running";
  c.labels = {{"spawnai.session", "s0123456789a"}, {"spawnai.slot", "/var/x"}};
  c.host_port = 32768;
  return c;
}

} // namespace

TEST_F(messages_test, session_and_event_records) {
  auto s = round_trip(a_session());
  EXPECT_EQ(s.prompt, a_session().prompt);
  EXPECT_EQ(s.state, phase::sleeping);
  EXPECT_EQ(s.type, app_type::api);
  EXPECT_EQ(s.output_tokens, 3400);
  auto ev = round_trip(an_event());
  EXPECT_EQ(ev.seq, 42);
  EXPECT_EQ(ev.message, "Deploying");
  round_trip(std::vector<session_record>{a_session(), a_session()});
  round_trip(std::vector<event_record>{an_event()});
}

TEST_F(messages_test, generation_types) {
  auto app = round_trip(an_app());
  ASSERT_EQ(app.files.size(), 2u);
  EXPECT_EQ(app.files[1].content, "console.log(1)");
  generation_request req;
  req.prompt = "a timer";
  req.type = app_type::script;
  req.details = R"({"name": "x"})";
  req.token_budget = 99;
  EXPECT_EQ(round_trip(req).token_budget, 99);
  token_usage u{10, 20, 0.5, "anthropic", "claude"};
  EXPECT_EQ(round_trip(u).model, "claude");
  app_file f{"a/b.js", "x"};
  EXPECT_EQ(round_trip(f).path, "a/b.js");
}

TEST_F(messages_test, containers_and_listings) {
  auto c = round_trip(a_container());
  EXPECT_EQ(c.labels.at("spawnai.slot"), "/var/x");
  container_lease lease{a_container(), "/slots/x", true};
  auto l = round_trip(lease);
  EXPECT_TRUE(l.warm);
  EXPECT_EQ(l.container.host_port, 32768);
  round_trip(std::vector<container_info>{a_container()});
  session_filter f;
  f.owner = "bob";
  f.state = "running";
  f.node_id = "n";
  f.live_only = true;
  f.limit = 7;
  f.offset = 3;
  EXPECT_EQ(round_trip(f).offset, 3);
  node_record n;
  n.id = "node-1";
  n.address = "http://127.0.0.11:8080";
  n.port = 8080;
  n.capacity = 100;
  n.started_at = 5;
  n.heartbeat_at = 6;
  n.cluster = "prod";
  n.epoch = 3;
  n.cluster_host = "127.0.0.11";
  n.cluster_port = 4242;
  n.edge_address = "127.0.0.11:8081";
  n.lease_until = 9;
  n.alive = true;
  n.live_sessions = 12;
  n.queued = 2;
  auto n2 = round_trip(n);
  EXPECT_EQ(n2.address, "http://127.0.0.11:8080");
  EXPECT_EQ(n2.epoch, 3);
  EXPECT_EQ(n2.edge_address, "127.0.0.11:8081");
  round_trip(std::vector<node_record>{n});
  admin_session_list list{{a_session()}, {"s0123456789a"}};
  EXPECT_EQ(round_trip(list).live_ids.size(), 1u);
}

TEST_F(messages_test, cluster_types) {
  EXPECT_EQ(round_trip(a_session()).owner_epoch, 7);
  session_owner o{"node-2", 4};
  EXPECT_EQ(round_trip(o).epoch, 4);
  cluster_event e{5, 6, "node-3", 2, "death", R"({"lease_until_ms": 1})", "node-1"};
  EXPECT_EQ(round_trip(e).by, "node-1");
  round_trip(std::vector<cluster_event>{e});
  remote_route r{"s0123456789a", "node-2", "127.0.0.12:8081"};
  EXPECT_EQ(round_trip(r).edge_address, "127.0.0.12:8081");
  round_trip(std::vector<remote_route>{r});
  create_request placed{"x", app_type::webapp, 0, "", "", true};
  EXPECT_TRUE(round_trip(placed).placed);
}

TEST_F(messages_test, requests_answers_and_accounts) {
  create_request req{"a pomodoro timer", app_type::webapp, 600, "alice", R"({"a":1})"};
  auto r = round_trip(req);
  EXPECT_EQ(r.ttl_seconds, 600);
  EXPECT_EQ(r.details, R"({"a":1})");
  created_session cs{a_session(), "token", 2};
  EXPECT_EQ(round_trip(cs).manage_token, "token");
  health_report h{"running", 3000, true, "ok", 512};
  EXPECT_EQ(round_trip(h).probe_rx, 512);
  api_key_record k;
  k.id = "k1";
  k.owner = "bob";
  k.key_hash = "h";
  k.created_at = 1;
  EXPECT_EQ(round_trip(k).owner, "bob");
  round_trip(std::vector<api_key_record>{k});
  cost_item item;
  item.kind = "compute";
  item.quantity = 2;
  item.unit = "hour";
  item.unit_price = 0.5;
  item.amount = 1;
  item.node_id = "n1";
  item.host_id = "do-n1-1";
  EXPECT_EQ(round_trip(item).amount, 1);
  EXPECT_EQ(round_trip(item).host_id, "do-n1-1");
  EXPECT_EQ(round_trip(item).node_id, "n1");
  round_trip(std::vector<cost_item>{item});
  EXPECT_EQ(round_trip(session_step::deploying), session_step::deploying);
  EXPECT_EQ(round_trip(phase::running), phase::running);
  EXPECT_EQ(round_trip(app_type::site), app_type::site);
}

TEST_F(messages_test, turns_and_versions) {
  turn_record t;
  t.session_id = "s0123456789a";
  t.number = 3;
  t.kind = "rollback";
  t.prompt = "Roll back to version 1";
  t.status = turn_status::unchanged;
  t.reply = "done";
  t.base_version = 2;
  t.version = 4;
  t.input_tokens = 10;
  t.output_tokens = 20;
  t.cost_usd = 0.5;
  t.created_at = 1700000000000;
  t.finished_at = 1700000000100;
  auto back = round_trip(t);
  EXPECT_EQ(back.status, turn_status::unchanged);
  EXPECT_EQ(back.version, 4);
  round_trip(std::vector<turn_record>{t, t});
  version_info v{2, 1700000000000, "make it dark", 1, 0, 3, 1234, "template", ""};
  EXPECT_EQ(round_trip(v).size_bytes, 1234);
  round_trip(std::vector<version_info>{v});
  version_origin o{1, "make it dark", 0, 5};
  EXPECT_EQ(round_trip(o).keep, 5);
  session_thread th{a_session(), {t}, {v}};
  EXPECT_EQ(round_trip(th).turns.size(), 1u);
  file_diff fd{"index.html", "modified", "--- a/index.html\n+++ b/index.html\n"};
  version_diff d{1, 2, {fd}};
  EXPECT_EQ(round_trip(d).files.at(0).change, "modified");
  generation_request req;
  req.prompt = "a timer";
  req.instruction = "make it dark";
  req.base = an_app();
  req.base.edits = R"({"theme":"dark"})";
  auto r = round_trip(req);
  EXPECT_EQ(r.instruction, "make it dark");
  EXPECT_EQ(r.base.edits, R"({"theme":"dark"})");
  EXPECT_EQ(round_trip(session_step::turn), session_step::turn);
}
