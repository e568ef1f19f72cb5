#include "core/source_plan.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/path_safety.hpp"

namespace spawn {

using nlohmann::json;

namespace {

caf::error bad(std::string why) {
  return make_error(errc::invalid_input, std::move(why));
}

bool has_dep(const json& pkg, const char* name) {
  for (auto* key : {"dependencies", "devDependencies"}) {
    auto it = pkg.find(key);
    if (it != pkg.end() && it->is_object() && it->contains(name))
      return true;
  }
  return false;
}

bool has_runtime_deps(const json& pkg) {
  auto it = pkg.find("dependencies");
  return it != pkg.end() && it->is_object() && !it->empty();
}

std::string script(const json& pkg, const char* name) {
  auto s = pkg.find("scripts");
  if (s == pkg.end() || !s->is_object())
    return {};
  auto it = s->find(name);
  return it != s->end() && it->is_string() ? it->get<std::string>() : std::string{};
}

std::vector<std::string> words(const std::string& s) {
  std::istringstream in{s};
  std::vector<std::string> out;
  for (std::string w; in >> w;)
    out.push_back(w);
  return out;
}

/// A file name as a path of the tree ("./server.js" → "server.js").
std::string as_path(std::string p) {
  while (p.compare(0, 2, "./") == 0)
    p.erase(0, 2);
  return p;
}

} // namespace

std::string_view to_string(framework f) {
  switch (f) {
    case framework::static_site: return "static";
    case framework::node: return "node";
    case framework::express: return "express";
    case framework::vite: return "vite";
    case framework::react: return "react";
    case framework::next: return "next";
  }
  return "static";
}

std::string describe_plan(const source_plan& p) {
  json j{{"framework", std::string{to_string(p.kind)}},
         {"install", p.install ? (p.lockfile ? "npm ci" : "npm install") : ""},
         {"build", p.build_script.empty() ? "" : "npm run " + p.build_script},
         {"output", p.output},
         {"run", p.run},
         {"entry", p.entry},
         {"app_type", std::string{to_string(p.type)}}};
  if (p.next_export_or_start)
    j["run"] = "next start (or the static export in out/)";
  return j.dump();
}

std::string common_root(const std::vector<std::string>& files) {
  std::string root;
  for (auto& f : files) {
    auto slash = f.find('/');
    if (slash == std::string::npos)
      return {};
    auto top = f.substr(0, slash);
    if (root.empty())
      root = top;
    else if (root != top)
      return {};
  }
  return root;
}

caf::expected<source_plan> detect_framework(const std::vector<std::string>& files,
                                            const std::string* package_json) {
  std::set<std::string> have(files.begin(), files.end());
  source_plan p;
  if (!package_json) {
    if (!have.count("index.html"))
      return bad("unknown framework: no index.html and no package.json at the top of the "
                 "upload (static sites need index.html; Node apps a package.json)");
    p.kind = framework::static_site;
    p.entry = "index.html";
    p.type = app_type::webapp;
    return p;
  }
  auto pkg = json::parse(*package_json, nullptr, false);
  if (pkg.is_discarded())
    return bad("package.json is not valid JSON");
  if (!pkg.is_object())
    return bad("package.json must hold a JSON object");
  p.lockfile = have.count("package-lock.json") || have.count("npm-shrinkwrap.json");
  auto build = script(pkg, "build");
  auto need_build = [&](const char* what) -> caf::error {
    if (build.empty())
      return bad(std::string{what} + " project without a \"build\" script in package.json");
    p.build_script = "build";
    p.install = true;
    p.type = app_type::webapp;
    return {};
  };
  if (has_dep(pkg, "next")) {
    p.kind = framework::next;
    if (auto err = need_build("a Next.js"))
      return err;
    p.next_export_or_start = true;
    p.output = "out";
    p.entry = "index.html";
    return p;
  }
  if (has_dep(pkg, "vite")) {
    p.kind = framework::vite;
    if (auto err = need_build("a Vite"))
      return err;
    p.output = "dist";
    p.entry = "index.html";
    return p;
  }
  if (has_dep(pkg, "react-scripts")) {
    p.kind = framework::react;
    if (auto err = need_build("a React (create-react-app)"))
      return err;
    p.output = "build";
    p.entry = "index.html";
    return p;
  }
  p.kind = has_dep(pkg, "express") ? framework::express : framework::node;
  p.type = app_type::api;
  p.install = has_runtime_deps(pkg);
  p.omit_dev = true;
  auto start = script(pkg, "start");
  if (!start.empty()) {
    auto w = words(start);
    if (w.size() < 2 || w[0] != "node")
      return bad("the \"start\" script must be `node <file> [args]`, not `" + start + "`");
    for (auto& x : w)
      if (x.find_first_of("&|;<>$`'\"\\") != std::string::npos)
        return bad("the \"start\" script must be a plain `node <file> [args]`");
    p.run = w;
    p.entry = as_path(w[1]);
  } else if (auto m = pkg.find("main"); m != pkg.end()) {
    if (!m->is_string())
      return bad("\"main\" in package.json must be a string");
    p.entry = as_path(m->get<std::string>());
    p.run = {"node", p.entry};
  } else {
    for (auto* f : {"server.js", "index.js", "app.js"})
      if (have.count(f)) {
        p.entry = f;
        break;
      }
    if (p.entry.empty()) {
      if (have.count("index.html") && !p.install) { // a static site with a package.json
        p.kind = framework::static_site;
        p.type = app_type::webapp;
        p.entry = "index.html";
        p.omit_dev = false;
        return p;
      }
      return bad("cannot tell how to start the app: package.json has no \"start\" script "
                 "or \"main\", and there is no server.js, index.js or app.js");
    }
    p.run = {"node", p.entry};
  }
  if (!is_safe_relative_path(p.entry))
    return bad("the entry '" + p.entry + "' is not a plain path inside the upload");
  if (!have.count(p.entry))
    return bad("the entry file '" + p.entry + "' is not in the upload");
  return p;
}

} // namespace spawn
