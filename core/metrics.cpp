#include "core/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "core/metric_names.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace spawn::metrics {

namespace {

std::string escape_label(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

} // namespace

const std::vector<double>& default_buckets() {
  static const std::vector<double> b{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                     2.5,   5,    10,    30,   60,  120,  300};
  return b;
}

std::string label_key(labels l) {
  if (l.empty())
    return {};
  std::sort(l.begin(), l.end());
  std::string out = "{";
  for (size_t i = 0; i < l.size(); ++i) {
    if (i > 0)
      out += ",";
    out += l[i].first + "=\"" + escape_label(l[i].second) + "\"";
  }
  return out + "}";
}

const std::vector<metric_def>& known_metrics() {
  using k = metric_kind;
  static const std::vector<metric_def> all{
    {names::sessions, k::gauge, "Live session actors by state."},
    {names::session_actors, k::gauge, "Session actors alive on this node."},
    {names::containers, k::gauge, "App containers held by sessions."},
    {names::actors_running, k::gauge, "Actors running in the actor system."},
    {names::sessions_created, k::counter, "Sessions created, by app type."},
    {names::sessions_destroyed, k::counter, "Sessions destroyed."},
    {names::sessions_refused, k::counter, "Creations refused by a limit, by reason."},
    {names::session_failures, k::counter, "Sessions failed, by the phase they failed in."},
    {names::phase_duration, k::histogram, "Time sessions spent in each phase."},
    {names::time_to_app, k::histogram, "From the request to the app answering, by app type."},
    {names::generations, k::counter, "Generations finished, by result."},
    {names::generations_running, k::gauge, "Generations holding a slot now."},
    {names::generations_queued, k::counter, "Generations that had to wait for a slot."},
    {names::generation_queue_length, k::gauge, "Sessions waiting for a generation slot."},
    {names::generation_queue_wait, k::histogram, "Time waited for a generation slot."},
    {names::generation_tokens, k::counter, "Model tokens used, by direction."},
    {names::cost_usd, k::counter, "Cost of destroyed sessions in USD."},
    {names::cost_overruns, k::counter, "Sessions whose cost passed the overrun ratio."},
    {names::http_requests, k::counter, "HTTP answers by route template and status."},
    {names::http_request_duration, k::histogram, "HTTP answer time by route template."},
    {names::misuse, k::counter, "Metric writes refused (wrong kind or invalid name)."},
  };
  return all;
}

/// prometheus-cpp's registry, and the series handed out so far by label key.
struct registry::impl {
  struct family {
    metric_kind kind = metric_kind::counter;
    prometheus::Family<prometheus::Counter>* counters = nullptr;
    prometheus::Family<prometheus::Gauge>* gauges = nullptr;
    prometheus::Family<prometheus::Histogram>* histograms = nullptr;
    std::vector<double> bounds;
    std::map<std::string, void*> series; ///< by label key
  };

  mutable std::mutex mtx;
  std::shared_ptr<prometheus::Registry> reg = std::make_shared<prometheus::Registry>();
  std::map<std::string, family> families;
  std::map<std::string, std::string> helps; ///< described before first use
  std::vector<std::function<void(registry&)>> collectors;

  void misuse() {
    auto* f = get(names::misuse, metric_kind::counter);
    if (f)
      static_cast<prometheus::Counter*>(series(*f, {}, {}))->Increment();
  }

  /// The family `name` of kind `k` (made on first use); null when the name
  /// has another kind or is not a valid metric name.
  family* get(const std::string& name, metric_kind k) {
    auto i = families.find(name);
    if (i != families.end()) {
      if (i->second.kind == k)
        return &i->second;
      if (name != names::misuse)
        misuse();
      return nullptr;
    }
    auto h = helps.count(name) ? helps[name] : std::string{};
    family f;
    f.kind = k;
    try {
      switch (k) {
        case metric_kind::counter:
          f.counters = &prometheus::BuildCounter().Name(name).Help(h).Register(*reg);
          break;
        case metric_kind::gauge:
          f.gauges = &prometheus::BuildGauge().Name(name).Help(h).Register(*reg);
          break;
        case metric_kind::histogram:
          f.histograms = &prometheus::BuildHistogram().Name(name).Help(h).Register(*reg);
          break;
      }
    } catch (const std::exception&) {
      if (name != names::misuse)
        misuse();
      return nullptr;
    }
    return &families.emplace(name, std::move(f)).first->second;
  }

  /// The series of `f` with labels `l` (made on first use).
  void* series(family& f, const labels& l, const std::vector<double>& buckets) {
    auto key = label_key(l);
    auto i = f.series.find(key);
    if (i != f.series.end())
      return i->second;
    prometheus::Labels pl;
    for (auto& [k, v] : l)
      pl[k] = v;
    void* out = nullptr;
    try {
      if (f.counters)
        out = &f.counters->Add(pl);
      else if (f.gauges)
        out = &f.gauges->Add(pl);
      else {
        if (f.bounds.empty()) {
          f.bounds = buckets;
          std::sort(f.bounds.begin(), f.bounds.end());
        }
        out = &f.histograms->Add(pl, f.bounds);
      }
    } catch (const std::exception&) {
      return nullptr; // an invalid label name
    }
    f.series.emplace(key, out);
    return out;
  }
};

registry::registry() : impl_(std::make_unique<impl>()) {
  std::lock_guard<std::mutex> g{impl_->mtx};
  for (auto& m : known_metrics()) {
    impl_->helps[m.name] = m.help;
    impl_->get(m.name, m.kind);
  }
}

registry::~registry() = default;

void registry::inc(const std::string& name, const labels& l, double v) {
  if (v < 0)
    return;
  std::lock_guard<std::mutex> g{impl_->mtx};
  if (auto* f = impl_->get(name, metric_kind::counter))
    if (auto* c = static_cast<prometheus::Counter*>(impl_->series(*f, l, {})))
      c->Increment(v);
}

void registry::set(const std::string& name, const labels& l, double v) {
  std::lock_guard<std::mutex> g{impl_->mtx};
  if (auto* f = impl_->get(name, metric_kind::gauge))
    if (auto* x = static_cast<prometheus::Gauge*>(impl_->series(*f, l, {})))
      x->Set(v);
}

void registry::add(const std::string& name, const labels& l, double v) {
  std::lock_guard<std::mutex> g{impl_->mtx};
  if (auto* f = impl_->get(name, metric_kind::gauge))
    if (auto* x = static_cast<prometheus::Gauge*>(impl_->series(*f, l, {})))
      x->Increment(v);
}

void registry::observe(const std::string& name, const labels& l, double v,
                       const std::vector<double>& buckets) {
  std::lock_guard<std::mutex> g{impl_->mtx};
  if (auto* f = impl_->get(name, metric_kind::histogram))
    if (auto* h = static_cast<prometheus::Histogram*>(impl_->series(*f, l, buckets)))
      h->Observe(v);
}

void registry::describe(const std::string& name, const std::string& help) {
  // prometheus-cpp fixes a family's help when it is made: describing counts
  // for families not used yet (the known metrics carry theirs from the start).
  std::lock_guard<std::mutex> g{impl_->mtx};
  impl_->helps[name] = help;
}

void registry::on_collect(std::function<void(registry&)> f) {
  std::lock_guard<std::mutex> g{impl_->mtx};
  impl_->collectors.push_back(std::move(f));
}

double registry::value(const std::string& name, const labels& l) const {
  std::lock_guard<std::mutex> g{impl_->mtx};
  auto i = impl_->families.find(name);
  if (i == impl_->families.end())
    return 0;
  auto j = i->second.series.find(label_key(l));
  if (j == i->second.series.end())
    return 0;
  if (i->second.counters)
    return static_cast<prometheus::Counter*>(j->second)->Value();
  if (i->second.gauges)
    return static_cast<prometheus::Gauge*>(j->second)->Value();
  return 0;
}

uint64_t registry::count(const std::string& name, const labels& l) const {
  std::lock_guard<std::mutex> g{impl_->mtx};
  auto i = impl_->families.find(name);
  if (i == impl_->families.end() || !i->second.histograms)
    return 0;
  auto j = i->second.series.find(label_key(l));
  if (j == i->second.series.end())
    return 0;
  return static_cast<prometheus::Histogram*>(j->second)->Collect().histogram.sample_count;
}

std::string registry::render() {
  std::vector<std::function<void(registry&)>> collectors;
  std::shared_ptr<prometheus::Registry> reg;
  {
    std::lock_guard<std::mutex> g{impl_->mtx};
    collectors = impl_->collectors;
    reg = impl_->reg;
  }
  for (auto& c : collectors)
    c(*this);
  return prometheus::TextSerializer{}.Serialize(reg->Collect());
}

registry& global() {
  static registry r;
  return r;
}

gauge_slot::gauge_slot(std::string name, std::string label)
  : name_(std::move(name)), label_(std::move(label)) {
}

gauge_slot::gauge_slot(gauge_slot&& o) noexcept
  : name_(std::move(o.name_)), label_(std::move(o.label_)), value_(std::move(o.value_)),
    held_(o.held_) {
  o.held_ = false;
}

gauge_slot& gauge_slot::operator=(gauge_slot&& o) noexcept {
  if (this != &o) {
    if (held_)
      global().add(name_, {{label_, value_}}, -1);
    name_ = std::move(o.name_);
    label_ = std::move(o.label_);
    value_ = std::move(o.value_);
    held_ = o.held_;
    o.held_ = false;
  }
  return *this;
}

gauge_slot::~gauge_slot() {
  if (held_)
    global().add(name_, {{label_, value_}}, -1);
}

void gauge_slot::move_to(const std::string& v) {
  if (name_.empty() || (held_ && v == value_))
    return;
  if (held_)
    global().add(name_, {{label_, value_}}, -1);
  value_ = v;
  held_ = true;
  global().add(name_, {{label_, value_}}, 1);
}

} // namespace spawn::metrics
