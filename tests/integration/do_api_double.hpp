#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace spawn::test {

/// A test double of DigitalOcean's API v2 (droplets and actions) speaking its
/// wire protocol: bearer-token auth, JSON bodies of the public OpenAPI
/// description, 202 with `links.actions`, pagination (`links.pages.next`,
/// `meta.total`), `ratelimit-*` headers, 429 and `{"id","message"}` errors.
/// A created droplet "boots" for real: deploy/scripts/docker-host.sh starts a
/// Docker engine with TLS on its own loopback address (127.0.0.30 + n); its
/// create action completes once that engine answers. Destroying a droplet
/// stops its engine. Faults are injected per test (see the public fields).
class do_api_double {
public:
  explicit do_api_double(std::string token);
  ~do_api_double();
  do_api_double(const do_api_double&) = delete;
  do_api_double& operator=(const do_api_double&) = delete;

  std::string base_url() const;

  // --- faults (set before the calls they concern) ---------------------------
  std::atomic<int> fail_5xx{0};        ///< the next N requests answer 503
  std::atomic<int> rate_limit_429{0};  ///< the next N requests answer 429 (reset in 1 s)
  std::atomic<int> malformed{0};       ///< the next N answers are not JSON (after acting)
  std::atomic<bool> action_errors{false}; ///< create actions end "errored"
  std::atomic<bool> engine_never_up{false}; ///< droplets boot without an engine
  std::atomic<int> page_size{20};      ///< most droplets per page

  /// Droplets that exist (not destroyed), and every one ever created.
  int live() const;
  int created() const;
  /// Requests served, by "METHOD /path" (query stripped).
  int requests(const std::string& key) const;

private:
  struct droplet_state {
    int64_t id = 0;
    std::string name, region, size, image, address, host_name;
    std::vector<std::string> tags;
    std::string status = "new";  ///< new, active
    std::string action = "in-progress";
    bool destroyed = false;
  };

  void accept_loop();
  void serve(int fd);
  std::string respond(const std::string& method, const std::string& target,
                      const std::map<std::string, std::string>& headers, const std::string& body);
  std::string droplet_json(const droplet_state& d) const;
  void boot(int64_t id);

  std::string token_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mtx_;
  std::map<int64_t, droplet_state> droplets_;
  std::map<std::string, int> counts_;
  int next_ = 0;
  int remaining_ = 5000;
  std::thread acceptor_;
  std::vector<std::thread> workers_; ///< one per connection (the acceptor adds them)
  std::vector<std::thread> boots_;   ///< one per created droplet (workers add them)
};

} // namespace spawn::test
