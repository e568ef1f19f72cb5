#pragma once

#include <string>

#include <restinio/all.hpp>

namespace spawn {

/// Serves a file of the web UI from `web_root` ("/" is index.html) with its
/// MIME type, or a JSON 404. Paths with "..", backslashes or hidden segments are
/// refused. Files are small: they are read whole.
restinio::request_handling_status_t serve_static(const restinio::request_handle_t& req,
                                                 const std::string& web_root);

/// The MIME type for a file name by its extension.
std::string mime_type_of(const std::string& path);

} // namespace spawn
