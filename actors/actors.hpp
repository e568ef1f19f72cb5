#pragma once

// Every actor's typed interface, in one place (as VAST's system/actors.hpp):
// parents and children name each other's handles without include cycles, and
// a message an actor does not take is a compile error at the sender. Each
// actor's own header documents its messages; the types they carry live in
// core/ and are registered by `register_message_types` (core/messages.hpp).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "core/messages.hpp"

namespace spawn {

// --- listeners: the parts of an interface a child or a service talks to ------

/// Whoever watches a session's log (a WebSocket stream, a remote node): each
/// persisted event with the session as it is after it, then `endstream` when
/// nothing more will come, or `failed` with the reason. `(retry)` is the
/// sink's own: subscribe again (its session's actor went away).
using event_sink_actor = caf::typed_actor<
  caf::reacts_to<atoms::event, session_record, event_record>,
  caf::reacts_to<atoms::endstream>,
  caf::reacts_to<atoms::failed, caf::error>,
  caf::reacts_to<atoms::retry>>;

/// What a generation worker reports to its session while it works.
using generation_listener_actor = caf::typed_actor<
  caf::reacts_to<atoms::progress, std::string>,
  caf::reacts_to<atoms::usage, token_usage>>;

/// What the generation queue tells a waiting session.
using queue_listener_actor = caf::typed_actor<
  caf::reacts_to<atoms::gengrant>,
  caf::reacts_to<atoms::genqueued, int>>;

/// What a lifetime timer tells its session.
using expiry_listener_actor = caf::typed_actor<caf::reacts_to<atoms::expire>>;

/// What an edge child tells its session: the app was paused after being idle
/// for that many seconds.
using sleep_listener_actor = caf::typed_actor<caf::reacts_to<atoms::asleep, int64_t>>;

/// What the cluster member (actors/cluster_member.hpp) tells the session
/// manager: this start's epoch once joined; that incarnation `epoch` lost its
/// lease (fenced); sessions it claimed, to adopt; the nodes as last read.
using membership_listener_actor = caf::typed_actor<
  caf::reacts_to<atoms::joined, int64_t>,
  caf::reacts_to<atoms::fenced, int64_t>,
  caf::reacts_to<atoms::claimed, std::vector<session_record>>,
  caf::reacts_to<atoms::members, std::vector<node_record>>>;

// --- services of a node -------------------------------------------------------

/// actors/store_worker.hpp: the store port over messages.
using store_worker_actor = caf::typed_actor<
  caf::replies_to<atoms::insert, session_record>::with<bool>,
  caf::replies_to<atoms::save, session_record, event_record>::with<event_record>,
  caf::replies_to<atoms::append, event_record, session_owner>::with<event_record>,
  caf::replies_to<atoms::get, std::string>::with<session_record>,
  caf::replies_to<atoms::list, session_filter>::with<std::vector<session_record>>,
  caf::replies_to<atoms::expired, int64_t>::with<std::vector<session_record>>,
  caf::replies_to<atoms::events, std::string, int64_t, int>::with<std::vector<event_record>>,
  caf::replies_to<atoms::artifact, std::string, int, generated_app, std::string>::with<bool>,
  caf::replies_to<atoms::artload, std::string>::with<generated_app>,
  caf::replies_to<atoms::cached, std::string, int64_t>::with<generated_app>,
  caf::replies_to<atoms::tokens, std::string, int64_t>::with<int64_t>,
  caf::replies_to<atoms::ping>::with<bool>,
  caf::replies_to<atoms::join, node_record, int64_t>::with<int64_t>,
  caf::replies_to<atoms::heartbeat, node_record, int64_t>::with<bool>,
  caf::replies_to<atoms::leave, std::string, int64_t>::with<bool>,
  caf::replies_to<atoms::dead, std::string, std::string>::with<std::vector<node_record>>,
  caf::replies_to<atoms::gone, session_owner, std::string, std::string>::with<std::vector<node_record>>,
  caf::replies_to<atoms::claim, session_owner, int, std::string, std::string>
    ::with<std::vector<session_record>>,
  caf::replies_to<atoms::handover, std::string, session_owner, session_owner>
    ::with<session_record>,
  caf::replies_to<atoms::owned, session_owner>::with<std::vector<std::string>>,
  caf::replies_to<atoms::rroutes, std::string, std::string>::with<std::vector<remote_route>>,
  caf::replies_to<atoms::clog, cluster_event>::with<bool>,
  caf::replies_to<atoms::clevents, int64_t, int>::with<std::vector<cluster_event>>,
  caf::replies_to<atoms::nodes>::with<std::vector<node_record>>,
  caf::replies_to<atoms::keys>::with<std::vector<api_key_record>>,
  caf::replies_to<atoms::addkey, api_key_record>::with<bool>,
  caf::replies_to<atoms::revoke, std::string>::with<api_key_record>,
  caf::replies_to<atoms::costs, std::string, double, std::vector<cost_item>>::with<bool>,
  caf::replies_to<atoms::costitems, std::string>::with<std::vector<cost_item>>,
  // turns and versions (issue 15)
  caf::replies_to<atoms::turnadd, turn_record>::with<turn_record>,
  caf::replies_to<atoms::turnsave, turn_record>::with<bool>,
  caf::replies_to<atoms::turns, std::string>::with<std::vector<turn_record>>,
  caf::replies_to<atoms::versave, std::string, int, generated_app, version_origin>::with<bool>,
  caf::replies_to<atoms::versions, std::string>::with<std::vector<version_info>>,
  caf::replies_to<atoms::verload, std::string, int>::with<generated_app>,
  // custom domains (issue 18)
  caf::replies_to<atoms::domclaim, std::string, std::string>::with<bool>,
  caf::replies_to<atoms::domfree, std::string, std::string>::with<bool>,
  caf::replies_to<atoms::domholder, std::string>::with<std::string>,
  caf::reacts_to<atoms::commit>>;

/// actors/warm_pool.hpp: started, empty containers per tier.
using warm_pool_actor = caf::typed_actor<
  caf::replies_to<atoms::acquire, std::string, std::string>::with<container_lease>,
  caf::replies_to<atoms::release>::with<int>,
  caf::replies_to<atoms::stats>::with<std::string>,
  caf::reacts_to<atoms::start>,
  caf::reacts_to<atoms::refill>,
  caf::reacts_to<atoms::warmsweep>,
  caf::reacts_to<atoms::reserve, std::map<std::string, int>>>;

/// actors/generation_queue.hpp: the node-wide cap on concurrent generations.
using generation_queue_actor = caf::typed_actor<
  caf::replies_to<atoms::genslot, std::string, queue_listener_actor>::with<int>,
  caf::reacts_to<atoms::genfree, std::string>,
  caf::replies_to<atoms::stats>::with<std::string>>;

// --- a session's children -----------------------------------------------------

/// actors/provisioner.hpp: a container for the session, and the deployment.
using provisioner_actor = caf::typed_actor<
  caf::replies_to<atoms::acquire, std::string>::with<container_lease>,
  caf::replies_to<atoms::deploy, generated_app, app_type, container_lease>::with<std::string>>;

/// actors/generation_worker.hpp: runs the generator on the generation pool.
using generation_worker_actor = caf::typed_actor<
  caf::replies_to<atoms::run, generation_request, generation_listener_actor>::with<generated_app>>;

/// actors/lifetime_timer.hpp: the session's destruction timer.
using lifetime_timer_actor = caf::typed_actor<
  caf::reacts_to<atoms::timeout, uint64_t>,
  caf::reacts_to<atoms::extend, int64_t>>;

/// actors/edge.hpp: the session's route in Caddy, idle pause and wake.
using edge_actor_type = caf::typed_actor<
  caf::replies_to<atoms::route>::with<bool>,
  caf::reacts_to<atoms::reroute>,
  caf::replies_to<atoms::wake>::with<int64_t>,
  caf::reacts_to<atoms::probed, int64_t>,
  caf::reacts_to<atoms::edgetick>,
  caf::replies_to<atoms::domains, std::vector<std::string>>::with<bool>,
  caf::replies_to<atoms::destroy>::with<bool>>;

// --- sessions -----------------------------------------------------------------

/// actors/session.hpp: one session, its state machine and its children.
using session_actor_type = caf::typed_actor<
  caf::reacts_to<atoms::start>,
  caf::replies_to<atoms::get>::with<session_record>,
  caf::reacts_to<atoms::subscribe, event_sink_actor>,
  caf::replies_to<atoms::destroy>::with<session_record>,
  caf::reacts_to<atoms::health>,
  caf::replies_to<atoms::adopt>::with<bool>,
  caf::replies_to<atoms::extend, int64_t>::with<session_record>,
  caf::reacts_to<atoms::retry, session_step>,
  caf::replies_to<atoms::wake>::with<int64_t>,
  caf::reacts_to<atoms::reroute>,
  caf::reacts_to<atoms::flush>,
  caf::replies_to<atoms::introspect>::with<std::string>,
  caf::reacts_to<atoms::accrue, uint64_t>,
  // turns and versions (issue 15, actors/session_turns.hpp)
  caf::replies_to<atoms::say, std::string>::with<turn_record>,
  caf::replies_to<atoms::rollback, int>::with<turn_record>,
  // uploaded code (issue 18): the stored upload and its plan, JSON object text
  caf::replies_to<atoms::upload, std::string>::with<turn_record>,
  caf::reacts_to<atoms::olddrain, container_lease>,
  // custom domains (issue 18, actors/session_domains.cpp)
  caf::replies_to<atoms::domadd, std::string>::with<session_record>,
  caf::replies_to<atoms::domrm, std::string>::with<session_record>>
  ::extend_with<generation_listener_actor>
  ::extend_with<queue_listener_actor>
  ::extend_with<expiry_listener_actor>
  ::extend_with<sleep_listener_actor>;

/// actors/orphan_reaper.hpp: removes containers no live session owns.
using orphan_reaper_actor = caf::typed_actor<
  caf::replies_to<atoms::sweep>::with<uint64_t>,
  caf::reacts_to<atoms::timeout>,
  caf::replies_to<atoms::stats>::with<uint64_t>>;

/// actors/egress_keeper.hpp: per-session egress rules of the app firewall;
/// `(egress)` aligns them now, answering with the number of grants.
using egress_keeper_actor = caf::typed_actor<caf::reacts_to<atoms::timeout>,
                                             caf::replies_to<atoms::egress>::with<int>>;

/// actors/cluster_member.hpp: this node's membership (lease, epoch, claims).
using cluster_member_actor = caf::typed_actor<
  caf::reacts_to<atoms::heartbeat>,
  caf::reacts_to<atoms::claim>,
  caf::reacts_to<atoms::suspect, node_record>,
  caf::replies_to<atoms::leave>::with<bool>>;

/// actors/session_manager.hpp: the root supervisor of a node's sessions; the
/// interface the HTTP front end and the other nodes' managers use (published
/// on `cluster.port`; every message type is one of core/'s).
using session_manager_actor = caf::typed_actor<
  caf::replies_to<atoms::create, create_request>::with<created_session>,
  caf::replies_to<atoms::get, std::string>::with<session_record>,
  // the live actor of a session of this node (null: none here), which the
  // HTTP bridges then read directly
  caf::replies_to<atoms::locate, std::string>::with<session_actor_type>,
  caf::replies_to<atoms::list, session_filter>::with<std::vector<session_record>>,
  caf::replies_to<atoms::events, std::string, int64_t, int>::with<std::vector<event_record>>,
  caf::replies_to<atoms::files, std::string>::with<generated_app>,
  caf::replies_to<atoms::destroy, std::string, std::string>::with<session_record>,
  caf::replies_to<atoms::extend, std::string, std::string, int64_t>::with<session_record>,
  caf::reacts_to<atoms::subscribe, std::string, event_sink_actor>,
  caf::replies_to<atoms::ready>::with<std::string>,
  caf::replies_to<atoms::wake, std::string>::with<int64_t>,
  caf::reacts_to<atoms::reroute>,
  caf::replies_to<atoms::liveids>::with<std::vector<std::string>>,
  caf::replies_to<atoms::stats>::with<std::string>,
  caf::replies_to<atoms::force, std::string>::with<session_record>,
  caf::replies_to<atoms::introspect, std::string>::with<std::string>,
  caf::replies_to<atoms::restart, std::string>::with<std::string>,
  caf::replies_to<atoms::admlist, session_filter>::with<admin_session_list>,
  caf::replies_to<atoms::nodes>::with<std::vector<node_record>>,
  caf::replies_to<atoms::keys, std::string>::with<std::string>,
  caf::replies_to<atoms::revoke, std::string>::with<std::string>,
  // the cluster: a session handed over by its owner (drain), the drain itself,
  // the cluster's log
  caf::replies_to<atoms::takeover, session_record>::with<bool>,
  caf::replies_to<atoms::drain>::with<int>,
  caf::replies_to<atoms::leave>::with<bool>,
  caf::replies_to<atoms::clevents, int64_t, int>::with<std::vector<cluster_event>>,
  // turns and versions (issue 15, actors/session_manager_turns.hpp)
  caf::replies_to<atoms::say, std::string, std::string, std::string>::with<turn_record>,
  caf::replies_to<atoms::rollback, std::string, std::string, int>::with<turn_record>,
  caf::replies_to<atoms::upload, std::string, std::string, std::string>::with<turn_record>,
  caf::replies_to<atoms::thread, std::string>::with<session_thread>,
  caf::replies_to<atoms::verload, std::string, int>::with<generated_app>,
  caf::replies_to<atoms::diff, std::string, int, int>::with<version_diff>,
  // custom domains (issue 18): attach and detach (manage token), who holds one
  caf::replies_to<atoms::domadd, std::string, std::string, std::string>::with<session_record>,
  caf::replies_to<atoms::domrm, std::string, std::string, std::string>::with<session_record>,
  caf::replies_to<atoms::domholder, std::string>::with<std::string>,
  // its own timers and retries
  caf::reacts_to<atoms::adopt>,
  caf::reacts_to<atoms::sweep>,
  caf::reacts_to<atoms::respawn, std::string, uint64_t, caf::error, int>>
  ::extend_with<membership_listener_actor>;

/// The part of the manager the edge keeper and the orphan reaper ask.
using session_directory_actor = caf::typed_actor<
  caf::replies_to<atoms::get, std::string>::with<session_record>,
  caf::reacts_to<atoms::reroute>,
  caf::replies_to<atoms::liveids>::with<std::vector<std::string>>>;

/// actors/edge.hpp: the node's keeper of its Caddy server.
using edge_keeper_actor = caf::typed_actor<caf::reacts_to<atoms::edgetick>>;

/// Announces the actor handle types that travel inside messages between nodes
/// (an event sink subscribed to a session on another node, ...) to `cfg`.
void register_actor_handle_types(caf::actor_system_config& cfg);

/// The Docker hosts of this node (actors/host_registry.hpp): list, admit,
/// drain and remove hosts (answers are JSON text); `hostcheck` is its own tick.
using host_registry_actor = caf::typed_actor<
  caf::reacts_to<atoms::hostcheck>,
  caf::replies_to<atoms::hosts>::with<std::string>,
  caf::replies_to<atoms::hostcosts, std::string, std::string, std::string, int, int>::with<std::string>,
  caf::replies_to<atoms::hostadd, std::string>::with<std::string>,
  caf::replies_to<atoms::drain, std::string>::with<std::string>,
  caf::replies_to<atoms::hostrm, std::string>::with<std::string>>;

} // namespace spawn
