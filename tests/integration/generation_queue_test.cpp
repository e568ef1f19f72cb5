// The generation queue actor in a real (in-process) actor system: slots are
// granted first come, first served, waiters hear their positions move, and a
// session actor that dies gives its slot back.

#include "actors/generation_queue.hpp"

#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/atoms.hpp"

using namespace spawn;

namespace {

constexpr auto ask_timeout = std::chrono::seconds{5};

/// A stand-in for a session actor: records what the queue tells it.
struct fake_session_state {
  std::vector<int> positions;
  int grants = 0;
};

caf::behavior fake_session(caf::stateful_actor<fake_session_state>* self) {
  return {
    [=](atoms::gengrant) { ++self->state.grants; },
    [=](atoms::genqueued, int pos) { self->state.positions.push_back(pos); },
    [=](atoms::get) {
      auto& st = self->state;
      return std::make_tuple(st.grants, st.positions.empty() ? 0 : st.positions.back(),
                             static_cast<int>(st.positions.size()));
    },
  };
}

class generation_queue_test : public ::testing::Test {
protected:
  int enter(const generation_queue_actor& q, const std::string& id, const caf::actor& session) {
    caf::scoped_actor self{sys_};
    int pos = -1;
    self->request(q, ask_timeout, atoms::genslot::value, id,
                  caf::actor_cast<queue_listener_actor>(session))
      .receive([&](int p) { pos = p; }, [&](caf::error& err) { ADD_FAILURE() << to_string(err); });
    return pos;
  }

  /// (grants, last position heard, number of position messages) of a fake session.
  std::tuple<int, int, int> seen(const caf::actor& session) {
    caf::scoped_actor self{sys_};
    std::tuple<int, int, int> out{-1, -1, -1};
    // A round trip through the queue first, so its messages to the session are delivered.
    self->request(session, ask_timeout, atoms::get::value)
      .receive([&](int g, int p, int n) { out = std::make_tuple(g, p, n); },
               [&](caf::error& err) { ADD_FAILURE() << to_string(err); });
    return out;
  }

  nlohmann::json stats(const generation_queue_actor& q) {
    caf::scoped_actor self{sys_};
    nlohmann::json j;
    self->request(q, ask_timeout, atoms::stats::value)
      .receive([&](std::string& s) { j = nlohmann::json::parse(s); },
               [&](caf::error& err) { ADD_FAILURE() << to_string(err); });
    return j;
  }

  caf::actor_system_config cfg_;
  caf::actor_system sys_{cfg_};
};

} // namespace

TEST_F(generation_queue_test, positions_move_as_work_finishes) {
  auto q = sys_.spawn(generation_queue, 1);
  auto a = sys_.spawn(fake_session);
  auto b = sys_.spawn(fake_session);
  auto c = sys_.spawn(fake_session);
  EXPECT_EQ(enter(q, "sa", a), 0);
  EXPECT_EQ(enter(q, "sb", b), 1);
  EXPECT_EQ(enter(q, "sc", c), 2);
  EXPECT_EQ(stats(q)["waiting"].size(), 2u);

  caf::anon_send(q, atoms::genfree::value, std::string{"sa"});
  EXPECT_EQ(stats(q)["running"], 1); // a round trip: the release is processed
  EXPECT_EQ(std::get<0>(seen(b)), 1) << "b got the slot";
  auto [c_grants, c_pos, c_moves] = seen(c);
  EXPECT_EQ(c_grants, 0);
  EXPECT_EQ(c_pos, 1) << "c moved from 2 to 1";
  EXPECT_EQ(c_moves, 1);

  caf::anon_send(q, atoms::genfree::value, std::string{"sb"});
  stats(q);
  EXPECT_EQ(std::get<0>(seen(c)), 1) << "c got the slot";
  caf::anon_send(q, atoms::genfree::value, std::string{"sc"});
  auto s = stats(q);
  EXPECT_EQ(s["running"], 0);
  EXPECT_TRUE(s["waiting"].empty());
  EXPECT_EQ(s["granted"], 3);
  caf::anon_send_exit(q, caf::exit_reason::user_shutdown);
  for (auto& x : {a, b, c})
    caf::anon_send_exit(x, caf::exit_reason::user_shutdown);
}

TEST_F(generation_queue_test, a_dead_session_gives_its_slot_back) {
  auto q = sys_.spawn(generation_queue, 1);
  auto a = sys_.spawn(fake_session);
  auto b = sys_.spawn(fake_session);
  EXPECT_EQ(enter(q, "sa", a), 0);
  EXPECT_EQ(enter(q, "sb", b), 1);
  caf::anon_send_exit(a, caf::exit_reason::kill); // crashes while holding the slot
  auto deadline = std::chrono::steady_clock::now() + ask_timeout;
  while (std::get<0>(seen(b)) == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  EXPECT_EQ(std::get<0>(seen(b)), 1) << "the slot of the dead session went to b";
  EXPECT_EQ(stats(q)["running"], 1);
  caf::anon_send_exit(q, caf::exit_reason::user_shutdown);
  for (auto& x : {b})
    caf::anon_send_exit(x, caf::exit_reason::user_shutdown);
}

TEST_F(generation_queue_test, unknown_releases_are_harmless) {
  auto q = sys_.spawn(generation_queue, 2);
  caf::anon_send(q, atoms::genfree::value, std::string{"nobody"});
  auto a = sys_.spawn(fake_session);
  EXPECT_EQ(enter(q, "sa", a), 0);
  EXPECT_EQ(enter(q, "sa", a), 0) << "asking twice keeps the slot";
  EXPECT_EQ(stats(q)["running"], 1);
  caf::anon_send_exit(q, caf::exit_reason::user_shutdown);
  for (auto& x : {a})
    caf::anon_send_exit(x, caf::exit_reason::user_shutdown);
}
