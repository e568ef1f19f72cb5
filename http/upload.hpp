#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <caf/expected.hpp>
#include <restinio/all.hpp>

#include "core/messages.hpp"
#include "infra/config.hpp"

namespace spawn {

/// An upload as sent, before it is opened (issue 18).
struct upload_body {
  std::string archive;          ///< the .tar.gz, .tar or .zip bytes
  int64_t ttl_seconds = 0;      ///< 0: the app type's default
};

/// True when a `POST /api/v1/sessions` carries code rather than a prompt:
/// `multipart/form-data`, an archive type (`application/gzip`, `x-gzip`,
/// `zip`, `x-tar`, `octet-stream`), or JSON with a `source` member.
bool is_upload(const restinio::request_handle_t& req);

/// Reads an upload from any of its three forms: multipart (the file in
/// field `file`, `source` or `archive`; `ttl_seconds` a field), JSON
/// `{"source": base64, "ttl_seconds"?}`, or the raw archive (`?ttl_seconds=`).
/// Errors (`invalid_input`, 400): no file, bad base64, a bad TTL, an
/// unknown field; a body over `source.max_upload_bytes` is
/// `errc::invalid_input` with `too_large` set (413).
caf::expected<upload_body> parse_upload(const restinio::request_handle_t& req,
                                        const spawn_config& cfg, bool* too_large);

/// Opens the upload (safe extraction, framework detection), keeps the
/// archive under `<state>/uploads` for the builder and makes the creation:
/// type from the detection, prompt "Uploaded <framework> app (...)", and
/// `source` naming the stored archive and the plan. Blocking (disk).
caf::expected<create_request> prepare_upload(const upload_body& body, const spawn_config& cfg,
                                             std::string owner);

/// The largest body RESTinio must accept so that uploads reach `parse_upload`
/// (base64 JSON included).
uint64_t max_upload_body(const spawn_config& cfg);

} // namespace spawn
