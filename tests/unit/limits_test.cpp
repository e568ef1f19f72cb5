#include "core/admission.hpp"
#include "core/rate_limiter.hpp"
#include "core/work_queue.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

using namespace spawn;

TEST(limits_test, sliding_window_refuses_the_sixth_and_says_when_a_slot_frees) {
  rate_limiter r{5, 900000};
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(r.try_acquire("1.2.3.4", 1000 + i * 1000), 0) << i;
  // The 6th at t=10 s: the first (t=1 s) leaves the window at 901 s.
  EXPECT_EQ(r.try_acquire("1.2.3.4", 10000), 891000);
  EXPECT_EQ(retry_seconds(891000), 891);
  EXPECT_EQ(r.try_acquire("5.6.7.8", 10000), 0) << "clients are counted apart";
  // The window slides: once the first event is 15 min old there is room again.
  EXPECT_EQ(r.try_acquire("1.2.3.4", 901000), 0);
  EXPECT_GT(r.try_acquire("1.2.3.4", 901001), 0);
  EXPECT_EQ(r.in_window("1.2.3.4", 901001), 5);
}

TEST(limits_test, a_released_slot_is_free_again) {
  rate_limiter r{1, 60000};
  EXPECT_EQ(r.try_acquire("a", 1), 0);
  EXPECT_GT(r.try_acquire("a", 2), 0);
  r.release_last("a");
  EXPECT_EQ(r.try_acquire("a", 3), 0);
}

TEST(limits_test, retry_seconds_rounds_up_and_is_never_zero) {
  EXPECT_EQ(retry_seconds(1), 1);
  EXPECT_EQ(retry_seconds(1000), 1);
  EXPECT_EQ(retry_seconds(1001), 2);
  EXPECT_EQ(retry_seconds(0), 1);
  EXPECT_EQ(retry_seconds(-5), 1);
}

TEST(limits_test, admission_refuses_the_fourth_active_session_of_an_owner) {
  admission a{{100, 900000, 3, 100}};
  for (int i = 0; i < 3; ++i) {
    ASSERT_FALSE(a.admit("alice", i)) << i;
    a.opened("alice");
  }
  auto err = a.admit("alice", 10);
  ASSERT_TRUE(err);
  EXPECT_EQ(code_of(err), errc::rate_limited);
  EXPECT_GT(retry_after_of(err), 0);
  EXPECT_NE(message_of(err).find("at most 3"), std::string::npos) << message_of(err);
  EXPECT_FALSE(a.admit("bob", 10)) << "another owner is not affected";
  a.closed("alice");
  EXPECT_FALSE(a.admit("alice", 11)) << "a slot frees when a session ends";
  EXPECT_EQ(a.refused(), 1u);
}

TEST(limits_test, admission_rate_limit_carries_the_wait) {
  admission a{{5, 900000, 100, 100}};
  for (int i = 0; i < 5; ++i)
    ASSERT_FALSE(a.admit("c", 1000 * i));
  auto err = a.admit("c", 5000);
  ASSERT_TRUE(err);
  EXPECT_EQ(code_of(err), errc::rate_limited);
  EXPECT_EQ(retry_after_of(err), 895); // the first (t=0) leaves at 900 s
  a.cancel("c"); // cancels the last admitted one
  EXPECT_FALSE(a.admit("c", 5001));
}

TEST(limits_test, a_full_node_is_unavailable_not_rate_limited) {
  admission a{{100, 900000, 100, 2}};
  a.opened("x");
  a.opened("y");
  auto err = a.admit("z", 1);
  ASSERT_TRUE(err);
  EXPECT_EQ(code_of(err), errc::unavailable);
  EXPECT_GT(retry_after_of(err), 0);
  a.closed("x");
  EXPECT_FALSE(a.admit("z", 2));
}

TEST(limits_test, queue_grants_in_order_and_positions_move) {
  work_queue q{1};
  EXPECT_EQ(q.enter("s1"), 0);
  EXPECT_EQ(q.enter("s2"), 1);
  EXPECT_EQ(q.enter("s3"), 2);
  EXPECT_EQ(q.enter("s2"), 1) << "entering twice keeps the place";
  EXPECT_EQ(q.enter("s1"), 0);
  auto granted = q.leave("s1");
  ASSERT_EQ(granted.size(), 1u);
  EXPECT_EQ(granted[0], "s2");
  EXPECT_EQ(q.position("s2"), 0);
  EXPECT_EQ(q.position("s3"), 1);
  EXPECT_TRUE(q.leave("s3").empty()) << "a waiter leaving grants nothing";
  EXPECT_EQ(q.position("s3"), -1);
  EXPECT_EQ(q.running(), 1u);
}

TEST(limits_test, queue_with_several_slots_fills_them_before_queueing) {
  work_queue q{2};
  EXPECT_EQ(q.enter("a"), 0);
  EXPECT_EQ(q.enter("b"), 0);
  EXPECT_EQ(q.enter("c"), 1);
  EXPECT_EQ(q.enter("d"), 2);
  q.leave("d");
  auto granted = q.leave("a");
  ASSERT_EQ(granted.size(), 1u);
  EXPECT_EQ(granted[0], "c");
  EXPECT_TRUE(q.waiting().empty());
}
