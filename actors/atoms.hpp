#pragma once

#include <caf/atom.hpp>

/// Every atom of the actor system, in one place (CAF 0.17: at most 10 chars).
namespace spawn::atoms {

using acquire = caf::atom_constant<caf::atom("acquire")>;
using adopt = caf::atom_constant<caf::atom("adopt")>;
using append = caf::atom_constant<caf::atom("append")>;
using artifact = caf::atom_constant<caf::atom("artifact")>;
using edgetick = caf::atom_constant<caf::atom("edgetick")>;
using idle = caf::atom_constant<caf::atom("idle")>;
using liveids = caf::atom_constant<caf::atom("liveids")>;
using reroute = caf::atom_constant<caf::atom("reroute")>;
using route = caf::atom_constant<caf::atom("route")>;
using wake = caf::atom_constant<caf::atom("wake")>;
using create = caf::atom_constant<caf::atom("create")>;
using deploy = caf::atom_constant<caf::atom("deploy")>;
using deployed = caf::atom_constant<caf::atom("deployed")>;
using destroy = caf::atom_constant<caf::atom("destroy")>;
using event = caf::atom_constant<caf::atom("event")>;
using events = caf::atom_constant<caf::atom("events")>;
using expire = caf::atom_constant<caf::atom("expire")>;
using expired = caf::atom_constant<caf::atom("expired")>;
using extend = caf::atom_constant<caf::atom("extend")>;
using files = caf::atom_constant<caf::atom("files")>;
using generated = caf::atom_constant<caf::atom("generated")>;
using get = caf::atom_constant<caf::atom("get")>;
using health = caf::atom_constant<caf::atom("health")>;
using insert = caf::atom_constant<caf::atom("insert")>;
using list = caf::atom_constant<caf::atom("list")>;
using locate = caf::atom_constant<caf::atom("locate")>; // manager: a session's live actor here
using ping = caf::atom_constant<caf::atom("ping")>;
using provision = caf::atom_constant<caf::atom("provision")>;
using ready = caf::atom_constant<caf::atom("ready")>;
using refill = caf::atom_constant<caf::atom("refill")>;
using warmsweep = caf::atom_constant<caf::atom("warmsweep")>; // warm pool: follow the hosts
using release = caf::atom_constant<caf::atom("release")>;
using reserve = caf::atom_constant<caf::atom("reserve")>;   // manager -> warm pool: failover reserve
using retry = caf::atom_constant<caf::atom("retry")>;
using run = caf::atom_constant<caf::atom("run")>;
using save = caf::atom_constant<caf::atom("save")>;
using stats = caf::atom_constant<caf::atom("stats")>;
using start = caf::atom_constant<caf::atom("start")>;
using subscribe = caf::atom_constant<caf::atom("subscribe")>;
using sweep = caf::atom_constant<caf::atom("sweep")>;
using timeout = caf::atom_constant<caf::atom("timeout")>;
// generation (issue 5)
using cached = caf::atom_constant<caf::atom("cached")>;
using progress = caf::atom_constant<caf::atom("progress")>;
using tokens = caf::atom_constant<caf::atom("tokens")>;
using usage = caf::atom_constant<caf::atom("usage")>;


// Accounts, limits, costs and the admin API (issue 6).
using accrue = caf::atom_constant<caf::atom("accrue")>;
using costs = caf::atom_constant<caf::atom("costs")>;
using force = caf::atom_constant<caf::atom("force")>;
using genfree = caf::atom_constant<caf::atom("genfree")>;
using gengrant = caf::atom_constant<caf::atom("gengrant")>;
using genqueued = caf::atom_constant<caf::atom("genqueued")>;
using genslot = caf::atom_constant<caf::atom("genslot")>;
using heartbeat = caf::atom_constant<caf::atom("heartbeat")>;
using httptick = caf::atom_constant<caf::atom("httptick")>; // HTTP bridges: expire waits
using introspect = caf::atom_constant<caf::atom("introspect")>;
using keys = caf::atom_constant<caf::atom("keys")>;
using nodes = caf::atom_constant<caf::atom("nodes")>;
using revoke = caf::atom_constant<caf::atom("revoke")>;
using restart = caf::atom_constant<caf::atom("restart")>;

// The actor core (issue 12): one atom, one meaning.
using addkey = caf::atom_constant<caf::atom("addkey")>;       // store: insert an API key
using admlist = caf::atom_constant<caf::atom("admlist")>;     // manager: admin listing
using artload = caf::atom_constant<caf::atom("artload")>;     // store: load an artifact
using asleep = caf::atom_constant<caf::atom("asleep")>;       // edge -> session: paused
using costitems = caf::atom_constant<caf::atom("costitems")>; // store: a session's items
using endstream = caf::atom_constant<caf::atom("endstream")>; // -> event sink: no more
using failed = caf::atom_constant<caf::atom("failed")>;       // -> event sink: an error
using flush = caf::atom_constant<caf::atom("flush")>;         // session: next write
using probed = caf::atom_constant<caf::atom("probed")>;       // session -> edge: probe bytes
using respawn = caf::atom_constant<caf::atom("respawn")>;     // manager: restart a crash

// The cluster (issue 14).
using claim = caf::atom_constant<caf::atom("claim")>;         // store: take orphan sessions
using claimed = caf::atom_constant<caf::atom("claimed")>;     // member -> manager: adopt these
using clevents = caf::atom_constant<caf::atom("clevents")>;   // store: the cluster's log
using clog = caf::atom_constant<caf::atom("clog")>;           // store: log a cluster event
using dead = caf::atom_constant<caf::atom("dead")>;           // store: declare lapsed nodes dead
using drain = caf::atom_constant<caf::atom("drain")>;         // manager: hand sessions over
using fenced = caf::atom_constant<caf::atom("fenced")>;       // member -> manager: lease lost
using gone = caf::atom_constant<caf::atom("gone")>;           // store: a node found gone early
// Hostile apps (issue 13).
using egress = caf::atom_constant<caf::atom("egress")>;       // egress keeper: align the rules
using handover = caf::atom_constant<caf::atom("handover")>;   // store/manager: move a session
using join = caf::atom_constant<caf::atom("join")>;           // store: a new incarnation
using joined = caf::atom_constant<caf::atom("joined")>;       // member -> manager: epoch
using leave = caf::atom_constant<caf::atom("leave")>;         // store/member: stopping
using members = caf::atom_constant<caf::atom("members")>;     // member -> manager: the nodes
using owned = caf::atom_constant<caf::atom("owned")>;         // store: ids a node owns
using rroutes = caf::atom_constant<caf::atom("rroutes")>;     // store: routes of other nodes
using suspect = caf::atom_constant<caf::atom("suspect")>;     // manager -> member: link lost
using takeover = caf::atom_constant<caf::atom("takeover")>;   // manager -> manager: adopt id
// Turns and versions (issue 15).
using diff = caf::atom_constant<caf::atom("diff")>;           // manager: two versions' diff
using olddrain = caf::atom_constant<caf::atom("olddrain")>;   // session: remove a drained container
using rollback = caf::atom_constant<caf::atom("rollback")>;   // -> a stored version, redeployed
using say = caf::atom_constant<caf::atom("say")>;             // a follow-up prompt: a new turn
using upload = caf::atom_constant<caf::atom("upload")>;       // new uploaded code: a new turn (issue 18)
using thread = caf::atom_constant<caf::atom("thread")>;       // manager: turns and versions
using turnadd = caf::atom_constant<caf::atom("turnadd")>;     // store: insert a turn
using turns = caf::atom_constant<caf::atom("turns")>;         // store: a session's turns
using turnsave = caf::atom_constant<caf::atom("turnsave")>;   // store: a turn's outcome
using verload = caf::atom_constant<caf::atom("verload")>;     // a version's files
using versave = caf::atom_constant<caf::atom("versave")>;     // store: save a version
using versions = caf::atom_constant<caf::atom("versions")>;   // store: a session's versions

// Custom domains (issue 18).
using domadd = caf::atom_constant<caf::atom("domadd")>;       // attach a custom domain
using domrm = caf::atom_constant<caf::atom("domrm")>;         // detach a custom domain
using domclaim = caf::atom_constant<caf::atom("domclaim")>;   // store: hold a domain
using domfree = caf::atom_constant<caf::atom("domfree")>;     // store: give a domain up
using domholder = caf::atom_constant<caf::atom("domholder")>; // the session holding a domain
using domains = caf::atom_constant<caf::atom("domains")>;     // edge: the route's extra hosts

// Docker hosts (issue 17).
using hostadd = caf::atom_constant<caf::atom("hostadd")>;     // registry: admit a remote engine
using hostcheck = caf::atom_constant<caf::atom("hostcheck")>; // registry: ping every host
using hostcosts = caf::atom_constant<caf::atom("hostcosts")>; // registry: host-level cost lines
using hostrm = caf::atom_constant<caf::atom("hostrm")>;       // registry: forget a host
using hosts = caf::atom_constant<caf::atom("hosts")>;         // registry: the hosts as JSON

// Group commit (issue 12).
using commit = caf::atom_constant<caf::atom("commit")>;       // store: write the held batch

} // namespace spawn::atoms
