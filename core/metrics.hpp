#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace spawn::metrics {

/// Label pairs of one series, e.g. {{"state", "running"}}; order does not matter.
using labels = std::vector<std::pair<std::string, std::string>>;

/// Upper bounds (seconds) of the default histogram buckets: 5 ms to 5 min.
const std::vector<double>& default_buckets();

/// A set of Prometheus metrics (prometheus-cpp's registry and text
/// serializer underneath): counters, gauges and histograms with labels. Every
/// member is thread-safe and cheap, so actors, RESTinio handlers and workers
/// call it directly. The names spawnd uses, with their kind and help, are
/// defined once in core/metric_names.hpp and registered up front; a name keeps
/// the kind it was first used with, and using it as another kind (or an
/// invalid name) is ignored and counted in `spawn_metrics_misuse_total`.
class registry {
public:
  registry();
  ~registry();
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  /// Adds `v` (>= 0) to a counter.
  void inc(const std::string& name, const labels& l = {}, double v = 1);
  /// Sets a gauge.
  void set(const std::string& name, const labels& l, double v);
  /// Adds `v` (may be negative) to a gauge.
  void add(const std::string& name, const labels& l, double v);
  /// Records one observation in a histogram (`buckets` only matter on first use).
  void observe(const std::string& name, const labels& l, double v,
               const std::vector<double>& buckets = default_buckets());
  /// The `# HELP` line of `name`.
  void describe(const std::string& name, const std::string& help);
  /// Runs `f` at every render, before the text is produced: for gauges that
  /// are read at scrape time (actor counts, queue lengths).
  void on_collect(std::function<void(registry&)> f);

  /// The current value of a counter or gauge series (0 when absent); for tests.
  double value(const std::string& name, const labels& l = {}) const;
  /// The number of observations of a histogram series (0 when absent).
  uint64_t count(const std::string& name, const labels& l = {}) const;

  /// Everything in the Prometheus text exposition format 0.0.4.
  std::string render();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// The process-wide registry that /metrics renders.
registry& global();

/// `{a="x",b="y"}` with label values escaped (\\, \", \n); sorted by name.
std::string label_key(labels l);

/// Tracks one live thing's current label in a gauge: +1 on the new value, -1
/// on the old, -1 when destroyed. E.g. a session actor's state.
class gauge_slot {
public:
  gauge_slot(std::string name, std::string label);
  gauge_slot(const gauge_slot&) = delete;
  gauge_slot& operator=(const gauge_slot&) = delete;
  gauge_slot(gauge_slot&&) noexcept;
  gauge_slot& operator=(gauge_slot&&) noexcept;
  ~gauge_slot();
  /// Moves this thing to label value `v`.
  void move_to(const std::string& v);
  /// Holds nothing: the gauge is left as is from now on.
  gauge_slot() = default;

private:
  std::string name_, label_, value_;
  bool held_ = false;
};

} // namespace spawn::metrics
