#pragma once

#include <string>

#include <restinio/all.hpp>

namespace spawn {

/// Serves a file of the web UI from `web_root` ("/" is index.html) with its
/// MIME type, or a JSON 404. The path must pass `safe_relative_path`
/// (core/path_safety.hpp) and resolve, links followed, to a regular file
/// inside `web_root`: nothing outside it is ever opened. Files are small:
/// they are read whole.
restinio::request_handling_status_t serve_static(const restinio::request_handle_t& req,
                                                 const std::string& web_root);

/// The MIME type for a file name by its extension.
std::string mime_type_of(const std::string& path);

} // namespace spawn
