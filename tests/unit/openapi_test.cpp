// The OpenAPI document (issue 15, web/api/v1/openapi.json, served at
// /api/v1/openapi.json) is kept true: every route the server registers is in
// it with its method, and it describes no route the server does not have.

#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <caf/all.hpp>

#include "build_paths.hpp"
#include "core/error.hpp"
#include "core/messages.hpp"
#include "http/server.hpp"
#include "infra/config.hpp"

using namespace spawn;

namespace {

/// "GET /api/v1/sessions/:id" -> {"get", "/api/v1/sessions/{id}"}.
std::pair<std::string, std::string> openapi_key(const std::string& route) {
  auto space = route.find(' ');
  auto method = route.substr(0, space);
  for (auto& c : method)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string path;
  auto raw = route.substr(space + 1);
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == ':' && (i == 0 || raw[i - 1] == '/')) {
      auto end = raw.find('/', i);
      path += "{" + raw.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1) + "}";
      i = end == std::string::npos ? raw.size() : end - 1;
    } else {
      path += raw[i];
    }
  }
  return {method, path};
}

} // namespace

TEST(openapi_test, every_registered_route_is_in_the_document_and_no_other) {
  std::ifstream in{SPAWN_SOURCE_DIR "/web/api/v1/openapi.json"};
  auto doc = nlohmann::json::parse(in, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << "web/api/v1/openapi.json is not JSON";
  EXPECT_EQ(doc.value("openapi", "").rfind("3.", 0), 0u);
  caf::actor_system_config cfg;
  register_message_types(cfg);
  caf::actor_system sys{cfg};
  auto c = parse_config("{}");
  ASSERT_TRUE(c) << message_of(c.error());
  c->http_address = "127.0.0.1";
  c->http_port = 0;
  c->http_threads = 1;
  c->web_root = SPAWN_SOURCE_DIR "/web";
  api_server server{sys, session_manager_actor{}, std::make_shared<spawn_config>(*c)};
  ASSERT_FALSE(server.start());
  auto routes = server.registered_routes();
  server.stop();
  ASSERT_GT(routes.size(), 20u);
  std::set<std::pair<std::string, std::string>> registered;
  for (auto& r : routes) {
    auto key = openapi_key(r);
    registered.insert(key);
    ASSERT_TRUE(doc["paths"].contains(key.second)) << r << " is not in the OpenAPI document";
    EXPECT_TRUE(doc["paths"][key.second].contains(key.first))
      << r << ": the document lacks its method";
    auto& op = doc["paths"][key.second][key.first];
    EXPECT_FALSE(op.value("summary", "").empty()) << r;
    EXPECT_FALSE(op["responses"].empty()) << r;
  }
  for (auto& [path, ops] : doc["paths"].items())
    for (auto& [method, op] : ops.items())
      EXPECT_TRUE(registered.count({method, path}))
        << method << " " << path << " is documented but the server has no such route";
  // Every reference resolves.
  std::function<void(const nlohmann::json&)> refs = [&](const nlohmann::json& j) {
    if (j.is_object()) {
      if (j.contains("$ref")) {
        auto ref = j["$ref"].get<std::string>();
        ASSERT_EQ(ref.rfind("#/", 0), 0u) << ref;
        EXPECT_FALSE(doc.value(nlohmann::json::json_pointer{ref.substr(1)}, nlohmann::json{}).is_null())
          << ref << " does not resolve";
      }
      for (auto& [k, v] : j.items())
        refs(v);
    } else if (j.is_array()) {
      for (auto& v : j)
        refs(v);
    }
  };
  refs(doc);
}
