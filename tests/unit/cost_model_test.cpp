#include "core/cost_model.hpp"

#include <gtest/gtest.h>

using namespace spawn;

TEST(cost_model_test, estimate_is_rate_times_lifetime_plus_generation) {
  // Seed 002: a 2 h webapp on s-1vcpu-1gb ($0.00893/h) costs ~$0.018.
  EXPECT_NEAR(estimate_cost(0.00893, 7200, 0), 0.01786, 1e-9);
  EXPECT_NEAR(estimate_cost(0.02679, 7200, 0.05), 0.05358 + 0.05, 1e-9);
  EXPECT_DOUBLE_EQ(estimate_cost(0.02, 0, 0), 0);
  EXPECT_DOUBLE_EQ(estimate_cost(0.02, 3600, -1), 0.02) << "a negative generation cost counts 0";
}

TEST(cost_model_test, compute_cost_accrues_by_the_millisecond) {
  EXPECT_NEAR(compute_cost(0.036, 1000, 1000 + 3600000), 0.036, 1e-12);
  EXPECT_NEAR(compute_cost(0.036, 1000, 1000 + 90000), 0.0009, 1e-12);
  EXPECT_DOUBLE_EQ(compute_cost(0.036, 5000, 4000), 0) << "time never runs backwards";
  EXPECT_DOUBLE_EQ(compute_cost(0.036, 0, 4000), 0) << "no start, no cost";
}

TEST(cost_model_test, items_add_up_to_the_actual_cost) {
  auto items = cost_items_of(0.02679, 1000, 1000 + 5400000, 0.12);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].kind, "compute");
  EXPECT_EQ(items[0].unit, "hour");
  EXPECT_NEAR(items[0].quantity, 1.5, 1e-12);
  EXPECT_DOUBLE_EQ(items[0].unit_price, 0.02679);
  EXPECT_NEAR(items[0].amount, 0.040185, 1e-12);
  EXPECT_EQ(items[1].kind, "generation");
  EXPECT_DOUBLE_EQ(items[1].amount, 0.12);
  EXPECT_NEAR(total_of(items), 0.160185, 1e-12);
  EXPECT_EQ(cost_items_of(0.02, 1, 2, 0).size(), 1u) << "a free generation has no line";
}

TEST(cost_model_test, overrun_is_past_the_ratio_of_a_nonzero_estimate) {
  EXPECT_FALSE(cost_overrun(0.015, 0.01, 1.5));
  EXPECT_TRUE(cost_overrun(0.01501, 0.01, 1.5));
  EXPECT_FALSE(cost_overrun(5, 0, 1.5)) << "a free session never overruns";
}
