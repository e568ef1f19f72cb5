// The two shipped configurations: configs/spawnd.json (deploy/run.sh, one
// person on their own machine) and configs/production.json (seed 002's
// limits), loaded as spawnd loads them.

#include <gtest/gtest.h>

#include "build_paths.hpp"
#include "core/error.hpp"
#include "infra/config.hpp"

using namespace spawn;

TEST(shipped_configs_test, the_local_config_lets_one_person_try_things) {
  auto cfg = load_config(SPAWN_SOURCE_DIR "/configs/spawnd.json");
  ASSERT_TRUE(cfg) << message_of(cfg.error());
  // A first run makes more than 5 apps in 15 minutes and keeps more than 3 alive.
  EXPECT_GE(cfg->creations_per_window, 30);
  EXPECT_EQ(cfg->creation_window_seconds, 900);
  EXPECT_GE(cfg->active_per_owner, 10);
  EXPECT_EQ(cfg->http_address, "127.0.0.1");
}

TEST(shipped_configs_test, the_production_config_keeps_seed_002_limits) {
  auto cfg = load_config(SPAWN_SOURCE_DIR "/configs/production.json");
  ASSERT_TRUE(cfg) << message_of(cfg.error());
  EXPECT_EQ(cfg->creations_per_window, 5);
  EXPECT_EQ(cfg->creation_window_seconds, 900);
  EXPECT_EQ(cfg->active_per_owner, 3);
  EXPECT_EQ(cfg->log_format, "json");
}
