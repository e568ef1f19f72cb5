#include "http/upload.hpp"

#include <filesystem>

#include <nlohmann/json.hpp>
#include <restinio/helpers/http_field_parsers/content-disposition.hpp>
#include <restinio/helpers/multipart_body.hpp>
#include <restinio/utils/base64.hpp>

#include "core/error.hpp"
#include "core/source_plan.hpp"
#include "core/tokens.hpp"
#include "infra/source_builder.hpp"

namespace spawn {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

caf::error invalid(std::string why) {
  return make_error(errc::invalid_input, std::move(why));
}

std::string media_type(const restinio::request_handle_t& req) {
  auto ct = req->header().get_field_or(restinio::http_field::content_type, "");
  auto semi = ct.find(';');
  std::string t = ct.substr(0, semi);
  while (!t.empty() && t.back() == ' ')
    t.pop_back();
  for (auto& c : t)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t;
}

bool archive_type(const std::string& t) {
  return t == "application/gzip" || t == "application/x-gzip" || t == "application/zip"
         || t == "application/x-tar" || t == "application/octet-stream"
         || t == "application/x-zip-compressed";
}

caf::expected<int64_t> parse_ttl(const json& v, const spawn_config& cfg) {
  int64_t x = 0;
  if (v.is_number_integer()) {
    x = v.get<int64_t>();
  } else if (v.is_string()) {
    auto s = v.get<std::string>();
    if (s.empty() || s.size() > 12 || s.find_first_not_of("0123456789") != std::string::npos)
      return invalid("'ttl_seconds' must be an integer");
    x = std::stoll(s);
  } else {
    return invalid("'ttl_seconds' must be an integer");
  }
  if (x < cfg.min_ttl_seconds || x > cfg.max_ttl_seconds)
    return invalid("'ttl_seconds' must be between " + std::to_string(cfg.min_ttl_seconds)
                   + " and " + std::to_string(cfg.max_ttl_seconds));
  return x;
}

caf::error too_big(bool* flag, const spawn_config& cfg) {
  if (flag)
    *flag = true;
  return invalid("the upload exceeds source.max_upload_bytes ("
                 + std::to_string(cfg.source.max_upload_bytes) + " bytes)");
}

} // namespace

bool is_upload(const restinio::request_handle_t& req) {
  auto t = media_type(req);
  if (t == "multipart/form-data" || archive_type(t))
    return true;
  // JSON with a "source": only worth parsing when it could be one.
  const auto& body = req->body();
  if (body.find("\"source\"") == std::string::npos)
    return false;
  auto j = json::parse(body, nullptr, false);
  return j.is_object() && j.contains("source");
}

uint64_t max_upload_body(const spawn_config& cfg) {
  return static_cast<uint64_t>(cfg.source.max_upload_bytes) / 3 * 4 + (256u << 10);
}

caf::expected<upload_body> parse_upload(const restinio::request_handle_t& req,
                                        const spawn_config& cfg, bool* too_large) {
  auto cap = static_cast<size_t>(cfg.source.max_upload_bytes);
  const auto& body = req->body();
  auto t = media_type(req);
  upload_body out;
  if (t == "multipart/form-data") {
    if (body.size() > cap + (64u << 10))
      return too_big(too_large, cfg);
    caf::error err;
    bool have = false;
    auto parsed = restinio::multipart_body::enumerate_parts(
      *req,
      [&](restinio::multipart_body::parsed_part_t part) {
        namespace hfp = restinio::http_field_parsers;
        auto disposition = part.fields.opt_value_of(restinio::http_field::content_disposition);
        if (!disposition) {
          err = invalid("a multipart part without Content-Disposition");
          return restinio::multipart_body::handling_result_t::terminate_enumeration;
        }
        auto d = hfp::content_disposition_value_t::try_parse(*disposition);
        auto name = d ? hfp::find_first(d->parameters, "name")
                      : decltype(hfp::find_first(d->parameters, "name")){};
        if (!d || !name) {
          err = invalid("a multipart part with a bad Content-Disposition");
          return restinio::multipart_body::handling_result_t::terminate_enumeration;
        }
        std::string n{name->data(), name->size()};
        std::string value{part.body.data(), part.body.size()};
        if (n == "file" || n == "source" || n == "archive") {
          if (have) {
            err = invalid("more than one file in the upload");
            return restinio::multipart_body::handling_result_t::terminate_enumeration;
          }
          have = true;
          out.archive = std::move(value);
        } else if (n == "ttl_seconds") {
          auto ttl = parse_ttl(json(value), cfg);
          if (!ttl) {
            err = ttl.error();
            return restinio::multipart_body::handling_result_t::terminate_enumeration;
          }
          out.ttl_seconds = *ttl;
        } else {
          err = invalid("unknown field '" + n.substr(0, 40)
                        + "' (expected file and ttl_seconds)");
          return restinio::multipart_body::handling_result_t::terminate_enumeration;
        }
        return restinio::multipart_body::handling_result_t::continue_enumeration;
      },
      "multipart", "form-data");
    if (err)
      return err;
    if (!parsed)
      return invalid("the multipart body cannot be read (boundary, parts)");
    if (!have)
      return invalid("the multipart upload has no 'file' field");
  } else if (archive_type(t)) {
    if (body.size() > cap)
      return too_big(too_large, cfg);
    out.archive = body;
    auto q = restinio::parse_query(req->header().query());
    for (auto& [k, v] : q) {
      std::string key{k.data(), k.size()};
      if (key != "ttl_seconds")
        return invalid("unknown query parameter '" + key.substr(0, 40) + "'");
      auto ttl = parse_ttl(json(std::string{v.data(), v.size()}), cfg);
      if (!ttl)
        return ttl.error();
      out.ttl_seconds = *ttl;
    }
  } else {
    if (body.size() > max_upload_body(cfg))
      return too_big(too_large, cfg);
    auto j = json::parse(body, nullptr, false);
    if (!j.is_object())
      return invalid("the body must be a JSON object");
    for (auto& [k, v] : j.items()) {
      if (k == "source") {
        if (!v.is_string())
          return invalid("'source' must be a base64 string (a .tar.gz or .zip)");
        auto decoded = restinio::utils::base64::try_decode(v.get<std::string>());
        if (!decoded)
          return invalid("'source' is not valid base64");
        out.archive = std::move(*decoded);
      } else if (k == "ttl_seconds") {
        auto ttl = parse_ttl(v, cfg);
        if (!ttl)
          return ttl.error();
        out.ttl_seconds = *ttl;
      } else {
        return invalid("unknown field '" + k.substr(0, 40) + "' (expected source, ttl_seconds)");
      }
    }
  }
  if (out.archive.empty())
    return invalid("the upload is empty");
  if (out.archive.size() > cap)
    return too_big(too_large, cfg);
  return out;
}

caf::expected<create_request> prepare_upload(const upload_body& body, const spawn_config& cfg,
                                             std::string owner) {
  auto state = cfg.state_dir.empty() ? std::string{"/var/lib/spawnai"} : cfg.state_dir;
  auto probe = state + "/uploads/inspect-" + new_manage_token().substr(0, 16);
  auto up = inspect_upload(body.archive, probe, cfg.source);
  std::error_code ec;
  fs::remove_all(probe, ec);
  if (!up)
    return up.error();
  auto type = std::string{to_string(up->plan.type)};
  if (!cfg.app_types.count(type))
    return invalid("app_type " + type + " (what this upload is) is not enabled here");
  auto stored = store_upload(cfg.state_dir, body.archive);
  if (!stored)
    return stored.error();
  auto src = json::parse(describe_plan(up->plan));
  src["archive"] = *stored;
  src["files"] = up->files;
  src["bytes"] = up->bytes;
  src["archive_bytes"] = body.archive.size();
  src["sha256"] = sha256_hex(body.archive);
  create_request req;
  req.owner = std::move(owner);
  req.type = up->plan.type;
  req.ttl_seconds = body.ttl_seconds;
  req.prompt = "Uploaded " + std::string{to_string(up->plan.kind)} + " app ("
               + std::to_string(up->files) + " files)";
  req.source = src.dump();
  return req;
}

} // namespace spawn
