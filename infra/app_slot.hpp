#pragma once

#include <string>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "core/generated_app.hpp"

namespace spawn {

/// The hand-over of an app to a runtime container (deploy/runtime/runner.js):
/// the host writes the files under `<slot>/app/`, then, last and atomically,
/// `<slot>/manifest.json`; the runner in the container waits for it. Blocking.
caf::error write_slot(const std::string& slot_dir, const generated_app& app, app_type type);

/// Creates an empty slot directory readable by the container's user.
caf::error make_slot(const std::string& slot_dir);

/// Removes a slot directory and everything in it; a missing one is fine.
caf::error remove_slot(const std::string& slot_dir);

/// Polls `url` until it answers with any HTTP status or `timeout_ms` passes;
/// returns the milliseconds it took. Blocking.
caf::expected<long> wait_until_answers(const std::string& url, long timeout_ms);

} // namespace spawn
