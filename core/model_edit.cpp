#include "core/model_edit.hpp"

#include <map>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace spawn {

using nlohmann::json;

const char* const edit_contract = R"(
This is a follow-up turn on an existing app: you get its current files and an
instruction. Answer with ONE JSON object and nothing else:
{"summary": "<one sentence: what you changed>", "files": [{"path": "...", "content": "<the whole file>"}],
 "deleted": ["<path of a file to remove>"]}
- "files" holds only the files you add or change, each complete; every other file stays.
- "deleted" lists files to remove (omit it when none).
- Add "entry" or "run" only to change them.
- Change only what the instruction asks; keep everything else working.
)";

namespace {

caf::error bad(std::string why) {
  return make_error(errc::generation_failed, "the model's edit: " + std::move(why));
}

/// The JSON object in a model's answer: bare, fenced, or after prose.
json find_object(std::string_view text) {
  auto first = text.find('{');
  auto last = text.rfind('}');
  if (first == std::string_view::npos || last == std::string_view::npos || last < first)
    return json{};
  auto j = json::parse(text.substr(first, last - first + 1), nullptr, false);
  return j.is_object() ? j : json{};
}

} // namespace

caf::expected<generated_app> apply_model_edit(std::string_view text, const generated_app& base,
                                              app_type type, const output_limits& limits) {
  if (text.size() > limits.max_input_bytes)
    return bad("the answer is too large");
  auto j = find_object(text);
  if (!j.is_object())
    return bad("no JSON object in the answer");
  std::map<std::string, std::string> files;
  std::vector<std::string> order;
  for (auto& f : base.files) {
    files[f.path] = f.content;
    order.push_back(f.path);
  }
  auto deleted = j.value("deleted", json::array());
  if (!deleted.is_array())
    return bad("'deleted' must be an array of paths");
  for (auto& d : deleted) {
    if (!d.is_string())
      return bad("'deleted' must be an array of paths");
    auto path = d.get<std::string>();
    if (!files.erase(path))
      return bad("it deletes " + path + ", which the app does not have");
  }
  auto given = j.value("files", json::array());
  if (given.is_object()) { // path -> content, as models sometimes answer
    json arr = json::array();
    for (auto& [path, content] : given.items())
      arr.push_back({{"path", path}, {"content", content}});
    given = arr;
  }
  if (!given.is_array())
    return bad("'files' must be an array");
  if (given.empty() && deleted.empty())
    return bad("it changes no file");
  for (auto& f : given) {
    if (!f.is_object() || !f.contains("path") || !f["path"].is_string() || !f.contains("content")
        || !f["content"].is_string())
      return bad("each file needs a string 'path' and 'content'");
    auto path = f["path"].get<std::string>();
    if (!files.count(path))
      order.push_back(path);
    files[path] = f["content"].get<std::string>();
  }
  json merged{{"title", j.value("title", base.title)},
              {"entry", j.value("entry", base.entry)},
              {"run", j.contains("run") ? j["run"] : json(base.run)}};
  json arr = json::array();
  for (auto& path : order)
    if (auto it = files.find(path); it != files.end()) {
      arr.push_back({{"path", path}, {"content", it->second}});
      files.erase(it);
    }
  merged["files"] = arr;
  auto app = parse_model_output(merged.dump(), type, limits);
  if (!app)
    return app.error();
  app->summary = j.value("summary", "");
  if (app->summary.size() > 500)
    app->summary.resize(500);
  return app;
}

} // namespace spawn
