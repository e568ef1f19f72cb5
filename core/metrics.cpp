#include "core/metrics.hpp"

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

std::string number(double v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::ostringstream os;
    os << static_cast<long long>(v);
    return os.str();
  }
  std::ostringstream os;
  os.precision(10);
  os << v;
  return os.str();
}

/// `key` with one more label appended (for histogram `le`).
std::string with_label(const std::string& key, const std::string& name, const std::string& v) {
  auto extra = name + "=\"" + v + "\"";
  if (key.empty())
    return "{" + extra + "}";
  return key.substr(0, key.size() - 1) + "," + extra + "}";
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

registry::family* registry::get(const std::string& name, kind k) {
  auto i = families_.find(name);
  if (i == families_.end()) {
    i = families_.emplace(name, family{}).first;
    i->second.k = k;
    return &i->second;
  }
  if (i->second.k != k) {
    families_["spawn_metrics_misuse_total"].values[""] += 1;
    return nullptr;
  }
  return &i->second;
}

void registry::inc(const std::string& name, const labels& l, double v) {
  if (v < 0)
    return;
  auto key = label_key(l);
  std::lock_guard<std::mutex> g{mtx_};
  if (auto* f = get(name, kind::counter))
    f->values[key] += v;
}

void registry::set(const std::string& name, const labels& l, double v) {
  auto key = label_key(l);
  std::lock_guard<std::mutex> g{mtx_};
  if (auto* f = get(name, kind::gauge))
    f->values[key] = v;
}

void registry::add(const std::string& name, const labels& l, double v) {
  auto key = label_key(l);
  std::lock_guard<std::mutex> g{mtx_};
  if (auto* f = get(name, kind::gauge))
    f->values[key] += v;
}

void registry::observe(const std::string& name, const labels& l, double v,
                       const std::vector<double>& buckets) {
  auto key = label_key(l);
  std::lock_guard<std::mutex> g{mtx_};
  auto* f = get(name, kind::histogram);
  if (!f)
    return;
  if (f->bounds.empty()) {
    f->bounds = buckets;
    std::sort(f->bounds.begin(), f->bounds.end());
  }
  auto& h = f->histograms[key];
  if (h.counts.empty())
    h.counts.assign(f->bounds.size() + 1, 0);
  auto slot = std::lower_bound(f->bounds.begin(), f->bounds.end(), v) - f->bounds.begin();
  h.counts[static_cast<size_t>(slot)] += 1;
  h.sum += v;
  h.count += 1;
}

void registry::describe(const std::string& name, const std::string& help) {
  std::lock_guard<std::mutex> g{mtx_};
  // Describing does not fix the kind: the first use does.
  auto i = families_.find(name);
  if (i != families_.end())
    i->second.help = help;
  else
    helps_pending_[name] = help;
}

void registry::on_collect(std::function<void(registry&)> f) {
  std::lock_guard<std::mutex> g{mtx_};
  collectors_.push_back(std::move(f));
}

double registry::value(const std::string& name, const labels& l) const {
  auto key = label_key(l);
  std::lock_guard<std::mutex> g{mtx_};
  auto i = families_.find(name);
  if (i == families_.end())
    return 0;
  auto j = i->second.values.find(key);
  return j == i->second.values.end() ? 0 : j->second;
}

uint64_t registry::count(const std::string& name, const labels& l) const {
  auto key = label_key(l);
  std::lock_guard<std::mutex> g{mtx_};
  auto i = families_.find(name);
  if (i == families_.end())
    return 0;
  auto j = i->second.histograms.find(key);
  return j == i->second.histograms.end() ? 0 : j->second.count;
}

std::string registry::render() {
  std::vector<std::function<void(registry&)>> collectors;
  {
    std::lock_guard<std::mutex> g{mtx_};
    collectors = collectors_;
  }
  for (auto& c : collectors)
    c(*this);
  std::lock_guard<std::mutex> g{mtx_};
  std::ostringstream out;
  for (auto& [name, f] : families_) {
    auto help = f.help;
    if (help.empty()) {
      auto p = helps_pending_.find(name);
      if (p != helps_pending_.end())
        help = p->second;
    }
    if (!help.empty())
      out << "# HELP " << name << " " << help << "\n";
    const char* type = f.k == kind::counter ? "counter" : f.k == kind::gauge ? "gauge" : "histogram";
    out << "# TYPE " << name << " " << type << "\n";
    if (f.k != kind::histogram) {
      for (auto& [key, v] : f.values)
        out << name << key << " " << number(v) << "\n";
      continue;
    }
    for (auto& [key, h] : f.histograms) {
      uint64_t cumulative = 0;
      for (size_t i = 0; i < f.bounds.size(); ++i) {
        cumulative += h.counts[i];
        out << name << "_bucket" << with_label(key, "le", number(f.bounds[i])) << " "
            << cumulative << "\n";
      }
      out << name << "_bucket" << with_label(key, "le", "+Inf") << " " << h.count << "\n";
      out << name << "_sum" << key << " " << number(h.sum) << "\n";
      out << name << "_count" << key << " " << h.count << "\n";
    }
  }
  return out.str();
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
