#include "http/http_metrics.hpp"
#include "core/metric_names.hpp"

#include <chrono>
#include <map>
#include <mutex>

#include "core/metrics.hpp"

namespace spawn {

namespace {

using clock_type = std::chrono::steady_clock;

struct in_flight {
  std::string route;
  clock_type::time_point started;
};

/// Requests between their route match and their answer, by (connection, request).
struct flight_table {
  std::mutex mtx;
  std::map<std::pair<uint64_t, uint64_t>, in_flight> entries;
};

flight_table& table() {
  static flight_table t;
  return t;
}

/// Requests never answered (connection dropped) must not pile up.
constexpr size_t max_in_flight = 10000;

std::pair<uint64_t, uint64_t> key_of(const restinio::request_handle_t& req) {
  return {static_cast<uint64_t>(req->connection_id()), static_cast<uint64_t>(req->request_id())};
}

} // namespace

void http_started(const restinio::request_handle_t& req, std::string route) {
  auto& t = table();
  std::lock_guard<std::mutex> g{t.mtx};
  if (t.entries.size() >= max_in_flight)
    t.entries.erase(t.entries.begin());
  t.entries[key_of(req)] = in_flight{std::move(route), clock_type::now()};
}

void http_finished(const restinio::request_handle_t& req, int status) {
  in_flight f{"unmatched", clock_type::now()};
  {
    auto& t = table();
    std::lock_guard<std::mutex> g{t.mtx};
    auto i = t.entries.find(key_of(req));
    if (i != t.entries.end()) {
      f = std::move(i->second);
      t.entries.erase(i);
    }
  }
  auto secs = std::chrono::duration<double>(clock_type::now() - f.started).count();
  auto& m = metrics::global();
  m.inc(metrics::names::http_requests, {{"route", f.route}, {"status", std::to_string(status)}});
  m.observe(metrics::names::http_request_duration, {{"route", f.route}}, secs);
}

} // namespace spawn
