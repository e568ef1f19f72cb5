#include "http/static_files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/path_safety.hpp"
#include "http/http_metrics.hpp"
#include "http/reply.hpp"

namespace spawn {

std::string mime_type_of(const std::string& path) {
  auto dot = path.rfind('.');
  auto ext = dot == std::string::npos ? std::string{} : path.substr(dot + 1);
  if (ext == "html")
    return "text/html; charset=utf-8";
  if (ext == "js")
    return "text/javascript; charset=utf-8";
  if (ext == "css")
    return "text/css; charset=utf-8";
  if (ext == "json")
    return "application/json";
  if (ext == "svg")
    return "image/svg+xml";
  if (ext == "png")
    return "image/png";
  if (ext == "ico")
    return "image/x-icon";
  return "application/octet-stream";
}

restinio::request_handling_status_t serve_static(const restinio::request_handle_t& req,
                                                 const std::string& web_root) {
  auto not_found = [&] {
    reply_error(req, restinio::status_not_found(), "not_found", "no such page or route");
    return restinio::request_accepted();
  };
  auto rel = safe_relative_path(req->header().path());
  if (!rel || web_root.empty())
    return not_found();
  if (rel->empty())
    *rel = "index.html";
  // Only regular files below the web folder, symbolic links resolved.
  std::error_code ec;
  auto root = std::filesystem::canonical(web_root, ec);
  if (ec)
    return not_found();
  auto file = std::filesystem::weakly_canonical(root / *rel, ec);
  auto end = std::mismatch(root.begin(), root.end(), file.begin(), file.end()).first;
  if (ec || end != root.end() || !std::filesystem::is_regular_file(file, ec))
    return not_found();
  std::ifstream in{file, std::ios::binary};
  if (!in.is_open())
    return not_found();
  auto path = file.string();
  std::stringstream buf;
  buf << in.rdbuf();
  http_finished(req, 200);
  req->create_response()
    .append_header(restinio::http_field::content_type, mime_type_of(path))
    .append_header(restinio::http_field::cache_control, "no-cache")
    .set_body(buf.str())
    .done();
  return restinio::request_accepted();
}

} // namespace spawn
