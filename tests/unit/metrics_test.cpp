#include "core/metrics.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <thread>
#include <vector>

using namespace spawn;

TEST(metrics_test, counters_gauges_and_labels_render_in_prometheus_text) {
  metrics::registry r;
  r.describe("t_requests_total", "Requests.");
  r.inc("t_requests_total", {{"route", "GET /x"}, {"status", "200"}});
  r.inc("t_requests_total", {{"status", "200"}, {"route", "GET /x"}}, 2); // label order is free
  r.set("t_live", {}, 7);
  r.add("t_live", {}, -2);
  auto text = r.render();
  EXPECT_NE(text.find("# HELP t_requests_total Requests.\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE t_requests_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("t_requests_total{route=\"GET /x\",status=\"200\"} 3\n"), std::string::npos)
    << text;
  EXPECT_NE(text.find("# TYPE t_live gauge\nt_live 5\n"), std::string::npos) << text;
  EXPECT_DOUBLE_EQ(r.value("t_live"), 5);
}

TEST(metrics_test, label_values_are_escaped) {
  EXPECT_EQ(metrics::label_key({{"a", "x\"y\\z\nw"}}), "{a=\"x\\\"y\\\\z\\nw\"}");
}

TEST(metrics_test, histograms_are_cumulative_with_sum_and_count) {
  metrics::registry r;
  r.observe("t_seconds", {{"phase", "generating"}}, 0.3, {0.1, 0.5, 1});
  r.observe("t_seconds", {{"phase", "generating"}}, 0.05, {0.1, 0.5, 1});
  r.observe("t_seconds", {{"phase", "generating"}}, 3, {0.1, 0.5, 1});
  auto text = r.render();
  EXPECT_NE(text.find("# TYPE t_seconds histogram"), std::string::npos);
  EXPECT_NE(text.find("t_seconds_bucket{phase=\"generating\",le=\"0.1\"} 1\n"), std::string::npos)
    << text;
  EXPECT_NE(text.find("t_seconds_bucket{phase=\"generating\",le=\"0.5\"} 2\n"), std::string::npos)
    << text;
  EXPECT_NE(text.find("t_seconds_bucket{phase=\"generating\",le=\"1\"} 2\n"), std::string::npos)
    << text;
  EXPECT_NE(text.find("t_seconds_bucket{phase=\"generating\",le=\"+Inf\"} 3\n"), std::string::npos)
    << text;
  EXPECT_NE(text.find("t_seconds_sum{phase=\"generating\"} 3.35\n"), std::string::npos) << text;
  EXPECT_NE(text.find("t_seconds_count{phase=\"generating\"} 3\n"), std::string::npos) << text;
  EXPECT_EQ(r.count("t_seconds", {{"phase", "generating"}}), 3u);
}

TEST(metrics_test, a_name_keeps_its_first_kind_and_negative_counts_are_ignored) {
  metrics::registry r;
  r.inc("t_x", {}, 1);
  r.set("t_x", {}, 100);  // a gauge write to a counter is refused
  r.inc("t_x", {}, -5);   // counters never go down
  EXPECT_DOUBLE_EQ(r.value("t_x"), 1);
  EXPECT_DOUBLE_EQ(r.value("spawn_metrics_misuse_total"), 1);
}

TEST(metrics_test, every_line_matches_the_exposition_grammar) {
  metrics::registry r;
  r.inc("t_a_total", {{"k", "v w"}});
  r.observe("t_b_seconds", {}, 0.2);
  r.on_collect([](metrics::registry& reg) { reg.set("t_collected", {}, 42); });
  std::istringstream in{r.render()};
  std::regex sample{R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? [-+0-9.eEInfNa]+$)"};
  std::regex comment{R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$)"};
  int samples = 0;
  bool collected = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("#", 0) == 0) {
      EXPECT_TRUE(std::regex_match(line, comment)) << line;
    } else {
      EXPECT_TRUE(std::regex_match(line, sample)) << line;
      ++samples;
      collected = collected || line == "t_collected 42";
    }
  }
  EXPECT_GT(samples, 5);
  EXPECT_TRUE(collected) << "on_collect callbacks run before rendering";
}

TEST(metrics_test, concurrent_writers_lose_nothing) {
  metrics::registry r;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&r, t] {
      for (int i = 0; i < 10000; ++i) {
        r.inc("t_hits_total", {{"t", std::to_string(t % 2)}});
        r.observe("t_lat", {}, 0.001 * (i % 7));
      }
    });
  for (auto& th : threads)
    th.join();
  EXPECT_DOUBLE_EQ(r.value("t_hits_total", {{"t", "0"}}) + r.value("t_hits_total", {{"t", "1"}}),
                   40000);
  EXPECT_EQ(r.count("t_lat"), 40000u);
}

TEST(metrics_test, a_gauge_slot_follows_one_thing_and_leaves_when_destroyed) {
  auto& g = metrics::global();
  auto base_a = g.value("t_slot_things", {{"state", "a"}});
  auto base_b = g.value("t_slot_things", {{"state", "b"}});
  {
    metrics::gauge_slot slot{"t_slot_things", "state"};
    slot.move_to("a");
    EXPECT_DOUBLE_EQ(g.value("t_slot_things", {{"state", "a"}}), base_a + 1);
    slot.move_to("b");
    EXPECT_DOUBLE_EQ(g.value("t_slot_things", {{"state", "a"}}), base_a);
    EXPECT_DOUBLE_EQ(g.value("t_slot_things", {{"state", "b"}}), base_b + 1);
    metrics::gauge_slot moved = std::move(slot);
    EXPECT_DOUBLE_EQ(g.value("t_slot_things", {{"state", "b"}}), base_b + 1);
  }
  EXPECT_DOUBLE_EQ(g.value("t_slot_things", {{"state", "b"}}), base_b);
}
