#pragma once

#include <string>

#include <caf/expected.hpp>

namespace spawn {

/// The tar (ustar) of slot folder `slot_dir` as `PUT /containers/{id}/archive`
/// takes it: how an app's files reach a container on a host that does not
/// share the node's disk (issue 17). Entries are relative to the slot
/// ("app/index.html", "manifest.json"), owned by root, files 0644 and folders
/// 0755 (readable by the app's user, writable by nobody in the container);
/// `manifest.json` comes last, so the runner (deploy/runtime/runner.js) sees
/// it only once every file of the app is in place. Regular files and folders
/// only: a slot holds nothing else (infra/app_slot.cpp). Blocking.
caf::expected<std::string> slot_tar(const std::string& slot_dir);

} // namespace spawn
