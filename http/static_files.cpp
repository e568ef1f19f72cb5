#include "http/static_files.hpp"

#include <fstream>
#include <sstream>

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
  auto path = std::string{req->header().path()};
  if (path.empty() || path == "/")
    path = "/index.html";
  bool safe = !web_root.empty() && path.find("..") == std::string::npos
              && path.find('\\') == std::string::npos && path.find("/.") == std::string::npos
              && path.find('\0') == std::string::npos;
  std::ifstream in;
  if (safe)
    in.open(web_root + path, std::ios::binary);
  if (!in) {
    reply_error(req, restinio::status_not_found(), "not_found", "no such page or route");
    return restinio::request_accepted();
  }
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
