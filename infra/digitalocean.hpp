#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "infra/http_client.hpp"

namespace spawn {

/// How spawnd talks to DigitalOcean's API v2.
struct digitalocean_settings {
  std::string api_base = "https://api.digitalocean.com"; ///< the test double's URL in tests
  std::string token;               ///< from the environment or a file; never logged or stored
  long timeout_ms = 30000;         ///< one API call
  int max_attempts = 5;            ///< of a call answered 429 or 5xx (backoff in between)
  long max_backoff_ms = 20000;     ///< longest wait before a retry
};

/// A droplet as the API describes it (GET /v2/droplets/{id}).
struct droplet {
  int64_t id = 0;
  std::string name;
  std::string status;        ///< new, active, off, archive
  std::string public_ip;     ///< networks.v4[type=public]
  std::string private_ip;    ///< networks.v4[type=private] (the VPC)
  std::string region, size;  ///< slugs
  std::vector<std::string> tags;
};

/// What to create (POST /v2/droplets).
struct droplet_request {
  std::string name, region, size, image;
  std::vector<std::string> tags;
  std::string user_data;     ///< cloud-init
};

/// DigitalOcean API v2 client (droplets and actions): JSON over HTTPS with a
/// bearer token. Honours the rate limit: a call made while
/// `ratelimit-remaining` was 0 waits for `ratelimit-reset`; a 429 or a 5xx is
/// retried with exponential backoff (at most `max_attempts` calls). An
/// answer that is not the documented JSON is `errc::runtime_failed`; the API's
/// own errors (`{"id","message"}`) keep their message; 404 is
/// `errc::not_found`. The token is sent, never logged or put in an error.
/// Blocking; thread-safe.
class digitalocean {
public:
  explicit digitalocean(digitalocean_settings s);

  /// POST /v2/droplets: the new droplet and the href of its create action.
  caf::expected<std::pair<droplet, std::string>> create(const droplet_request& r);

  /// The status of an action (`links.actions[].href`): in-progress,
  /// completed or errored.
  caf::expected<std::string> action_status(const std::string& href);

  caf::expected<droplet> get(int64_t id);

  /// DELETE /v2/droplets/{id}; a droplet already gone is not an error.
  caf::error destroy(int64_t id);

  /// Every droplet tagged `tag`, following `links.pages.next`.
  caf::expected<std::vector<droplet>> list_tagged(const std::string& tag);

  /// Calls made (retries included), for tests and metrics.
  int calls() const;

  /// The wait the client sleeps through (tests make it instant-ish).
  void set_sleeper(std::function<void(long ms)> sleep) {
    sleep_ = std::move(sleep);
  }

private:
  caf::expected<http_response> call(const std::string& method, const std::string& url,
                                    const std::string& body = {});

  digitalocean_settings s_;
  std::function<void(long)> sleep_;
  mutable std::mutex mtx_;
  int calls_ = 0;
  int remaining_ = -1;      ///< ratelimit-remaining of the last answer (-1: unknown)
  int64_t reset_at_ = 0;    ///< ratelimit-reset (epoch seconds)
};

/// The droplet size of a tier with `memory_mb` (seed 002): s-1vcpu-1gb up to
/// 1 GiB, s-2vcpu-2gb up to 2 GiB, s-2vcpu-4gb above.
std::string droplet_size_for(int64_t memory_mb);

/// Reads the API token: `env` when set, else the first line of `file`; empty
/// when neither has one.
std::string digitalocean_token(const char* env, const std::string& file);

} // namespace spawn
