#include "core/session_fsm.hpp"

#include <gtest/gtest.h>

#include <set>
#include <utility>

using namespace spawn;

namespace {

const std::set<std::pair<phase, session_event>> legal = {
  {phase::requested, session_event::start},
  {phase::provisioning, session_event::provisioned},
  {phase::generating, session_event::generated},
  {phase::deploying, session_event::deployed},
  {phase::running, session_event::idle},
  {phase::sleeping, session_event::wake},
  {phase::requested, session_event::fail},
  {phase::provisioning, session_event::fail},
  {phase::generating, session_event::fail},
  {phase::deploying, session_event::fail},
  {phase::running, session_event::fail},
  {phase::sleeping, session_event::fail},
  {phase::requested, session_event::destroy},
  {phase::provisioning, session_event::destroy},
  {phase::generating, session_event::destroy},
  {phase::deploying, session_event::destroy},
  {phase::running, session_event::destroy},
  {phase::sleeping, session_event::destroy},
  {phase::failed, session_event::destroy},
  {phase::destroying, session_event::destroy},
  {phase::destroyed, session_event::destroy},
  {phase::destroying, session_event::destroyed},
  {phase::destroyed, session_event::destroyed},
};

constexpr phase all_phases[] = {
  phase::requested, phase::provisioning, phase::generating,
  phase::deploying, phase::running,      phase::sleeping,
  phase::failed,    phase::destroying,   phase::destroyed};

constexpr session_event all_events[] = {
  session_event::start, session_event::provisioned, session_event::generated,
  session_event::deployed, session_event::idle, session_event::wake,
  session_event::fail, session_event::destroy, session_event::destroyed};

} // namespace

TEST(session_fsm, every_pair_is_legal_exactly_when_listed) {
  for (auto p : all_phases)
    for (auto e : all_events) {
      bool is_legal = transition(p, e).has_value();
      EXPECT_EQ(is_legal, legal.count({p, e}) == 1)
        << to_string(p) << " + " << to_string(e);
    }
}

TEST(session_fsm, happy_path_reaches_running_then_destroyed) {
  auto p = phase::requested;
  for (auto e : {session_event::start, session_event::provisioned,
                 session_event::generated, session_event::deployed})
    p = *transition(p, e);
  EXPECT_EQ(p, phase::running);
  p = *transition(p, session_event::destroy);
  EXPECT_EQ(p, phase::destroying);
  p = *transition(p, session_event::destroyed);
  EXPECT_EQ(p, phase::destroyed);
}

TEST(session_fsm, destroy_is_idempotent) {
  EXPECT_EQ(transition(phase::destroyed, session_event::destroy), phase::destroyed);
  EXPECT_EQ(transition(phase::destroying, session_event::destroy), phase::destroying);
}

TEST(session_fsm, failure_leads_to_destroying) {
  auto p = *transition(phase::generating, session_event::fail);
  EXPECT_EQ(p, phase::failed);
  EXPECT_FALSE(transition(p, session_event::deployed));
  EXPECT_EQ(transition(p, session_event::destroy), phase::destroying);
}

TEST(session_fsm, sleeping_and_waking) {
  EXPECT_EQ(transition(phase::running, session_event::idle), phase::sleeping);
  EXPECT_EQ(transition(phase::sleeping, session_event::wake), phase::running);
  EXPECT_FALSE(transition(phase::generating, session_event::idle));
}

TEST(session_fsm, progress_matches_the_stages) {
  EXPECT_EQ(progress_of(phase::requested), 10);
  EXPECT_EQ(progress_of(phase::provisioning), 30);
  EXPECT_EQ(progress_of(phase::generating), 60);
  EXPECT_EQ(progress_of(phase::deploying), 90);
  EXPECT_EQ(progress_of(phase::running), 100);
}

TEST(session_fsm, names_round_trip) {
  for (auto p : all_phases)
    EXPECT_EQ(parse_phase(to_string(p)), p);
  EXPECT_FALSE(parse_phase("bogus"));
  EXPECT_FALSE(parse_phase(""));
}
