#include "core/model_output.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace spawn {

using nlohmann::json;

namespace {

caf::error reject(std::string why) {
  return make_error(errc::generation_failed, "model output rejected: " + std::move(why));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

/// For messages: a path shown safely (bounded, control bytes escaped).
std::string shown(std::string_view s) {
  std::string out;
  for (unsigned char c : s.substr(0, 80))
    out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
  return s.size() > 80 ? out + "..." : out;
}

/// A file as found in the output, before the checks.
struct raw_file {
  std::string path;
  std::string content;
};

struct raw_app {
  std::string title;
  std::string entry;
  std::vector<std::string> run;
  bool run_given = false;
  std::vector<raw_file> files;
};

// --- JSON manifests ---------------------------------------------------------------

bool read_run(const json& j, raw_app& out) {
  if (j.is_string()) {
    std::string word;
    for (char c : j.get_ref<const std::string&>()) {
      if (c == ' ') {
        if (!word.empty())
          out.run.push_back(std::move(word));
        word.clear();
      } else {
        word += c;
      }
    }
    if (!word.empty())
      out.run.push_back(std::move(word));
  } else if (j.is_array()) {
    for (auto& x : j) {
      if (!x.is_string())
        return false;
      out.run.push_back(x.get<std::string>());
    }
  } else if (!j.is_null()) {
    return false;
  }
  out.run_given = true;
  return true;
}

/// Reads a manifest object; nullopt when `j` is not one (no usable "files").
std::optional<raw_app> from_manifest(const json& j) {
  if (!j.is_object() || !j.contains("files"))
    return std::nullopt;
  raw_app app;
  auto& files = j["files"];
  if (files.is_array()) {
    for (auto& f : files) {
      if (!f.is_object())
        return std::nullopt;
      auto path = f.find("path");
      if (path == f.end())
        path = f.find("name");
      auto content = f.find("content");
      if (path == f.end() || content == f.end() || !path->is_string() || !content->is_string())
        return std::nullopt;
      app.files.push_back({path->get<std::string>(), content->get<std::string>()});
    }
  } else if (files.is_object()) {
    for (auto& [path, content] : files.items()) {
      if (!content.is_string())
        return std::nullopt;
      app.files.push_back({path, content.get<std::string>()});
    }
  } else {
    return std::nullopt;
  }
  if (auto t = j.find("title"); t != j.end() && t->is_string())
    app.title = t->get<std::string>();
  if (auto e = j.find("entry"); e != j.end() && e->is_string())
    app.entry = e->get<std::string>();
  if (auto r = j.find("run"); r != j.end() && !read_run(*r, app))
    return std::nullopt;
  return app;
}

std::optional<raw_app> try_json(std::string_view text) {
  auto j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded())
    return std::nullopt;
  return from_manifest(j);
}

// --- fenced blocks --------------------------------------------------------------

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos)
      end = text.size();
    auto l = text.substr(start, end - start);
    if (!l.empty() && l.back() == '\r')
      l.remove_suffix(1);
    out.push_back(l);
    if (end == text.size())
      break;
    start = end + 1;
  }
  return out;
}

/// The fence marker a line opens or closes with ("```", "~~~~"...), or empty.
std::string_view fence_of(std::string_view l) {
  l = trim(l);
  if (l.size() < 3 || (l[0] != '`' && l[0] != '~'))
    return {};
  size_t n = 0;
  while (n < l.size() && l[n] == l[0])
    ++n;
  return n >= 3 ? l.substr(0, n) : std::string_view{};
}

bool looks_like_path(std::string_view s) {
  if (s.empty() || s.size() > 200)
    return false;
  if (s.find('.') == std::string_view::npos)
    return false;
  for (unsigned char c : s)
    if (std::isspace(c) || c == '`' || c == '*' || c == '"' || c == '\'' || c == '<'
        || c == '>' || c == '(' || c == ')' || c == ',')
      return false;
  return true;
}

/// Strips markdown decoration from a heading-like line naming a file:
/// "### index.html", "**server.js**", "File: `a/b.css`", "1. styles.css:".
std::string_view path_in_label(std::string_view l) {
  l = trim(l);
  while (!l.empty() && (l.front() == '#' || l.front() == '*' || l.front() == '-'
                        || l.front() == '>' || l.front() == ' ' || l.front() == '_'))
    l.remove_prefix(1);
  if (l.size() > 2 && std::isdigit(static_cast<unsigned char>(l[0])) && l[1] == '.')
    l.remove_prefix(2);
  l = trim(l);
  for (std::string_view prefix : {"File:", "file:", "Filename:", "filename:", "Path:", "path:",
                                  "Fichier :", "Fichier:"}) {
    if (l.substr(0, prefix.size()) == prefix) {
      l.remove_prefix(prefix.size());
      break;
    }
  }
  l = trim(l);
  while (!l.empty() && (l.back() == ':' || l.back() == '*' || l.back() == '_'))
    l.remove_suffix(1);
  while (!l.empty() && (l.front() == '`' || l.front() == '*' || l.front() == '_'))
    l.remove_prefix(1);
  while (!l.empty() && (l.back() == '`' || l.back() == '*' || l.back() == '_' || l.back() == ':'))
    l.remove_suffix(1);
  l = trim(l);
  return looks_like_path(l) ? l : std::string_view{};
}

/// The path an info string names: ```html index.html, ```js:server.js,
/// ```css title="style.css", ```file=app.js.
std::string_view path_in_info(std::string_view info) {
  info = trim(info);
  size_t i = 0;
  while (i < info.size()) {
    while (i < info.size() && info[i] == ' ')
      ++i;
    auto end = info.find(' ', i);
    if (end == std::string_view::npos)
      end = info.size();
    auto tok = info.substr(i, end - i);
    i = end;
    for (std::string_view key : {"title=", "file=", "filename=", "path=", "name="})
      if (tok.substr(0, key.size()) == key)
        tok.remove_prefix(key.size());
    if (auto colon = tok.find(':'); colon != std::string_view::npos)
      tok.remove_prefix(colon + 1);
    while (!tok.empty() && (tok.front() == '"' || tok.front() == '\''))
      tok.remove_prefix(1);
    while (!tok.empty() && (tok.back() == '"' || tok.back() == '\''))
      tok.remove_suffix(1);
    if (looks_like_path(tok))
      return tok;
  }
  return {};
}

std::optional<raw_app> from_fences(std::string_view text) {
  auto lines = split_lines(text);
  raw_app app;
  std::string_view pending_label;
  for (size_t i = 0; i < lines.size(); ++i) {
    auto l = lines[i];
    auto t = trim(l);
    if (t.substr(0, 4) == "RUN:" || t.substr(0, 12) == "Run command:") {
      raw_app tmp;
      read_run(json(std::string{trim(t.substr(t.find(':') + 1))}), tmp);
      while (!tmp.run.empty() && (tmp.run.front() == "`" || tmp.run.front().empty()))
        tmp.run.erase(tmp.run.begin());
      for (auto& w : tmp.run) {
        w.erase(std::remove(w.begin(), w.end(), '`'), w.end());
      }
      tmp.run.erase(std::remove(tmp.run.begin(), tmp.run.end(), std::string{}), tmp.run.end());
      app.run = tmp.run;
      app.run_given = true;
      continue;
    }
    auto fence = fence_of(l);
    if (fence.empty()) {
      if (!t.empty())
        pending_label = path_in_label(t);
      continue;
    }
    auto info = trim(t.substr(fence.size()));
    auto path = path_in_info(info);
    if (path.empty())
      path = pending_label;
    pending_label = {};
    // The block runs to a line that is only a fence at least as long.
    std::string content;
    size_t j = i + 1;
    bool closed = false;
    for (; j < lines.size(); ++j) {
      auto c = trim(lines[j]);
      auto f = fence_of(c);
      if (!f.empty() && f.size() >= fence.size() && f[0] == fence[0] && c.size() == f.size()) {
        closed = true;
        break;
      }
      content.append(lines[j].data(), lines[j].size());
      content += '\n';
    }
    i = j; // past the closing fence (or the end)
    if (!closed)
      return std::nullopt; // a cut answer: better a retry than half a file
    if (!path.empty())
      app.files.push_back({std::string{path}, std::move(content)});
    else if (auto manifest = try_json(content))
      return manifest; // an unnamed ```json block holding the manifest itself
  }
  if (app.files.empty())
    return std::nullopt;
  return app;
}

/// A JSON manifest in a fence, bare, or after prose: the outermost {...}.
std::optional<raw_app> find_manifest(std::string_view text) {
  if (auto whole = try_json(trim(text)))
    return whole;
  auto open = text.find('{');
  auto close = text.rfind('}');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open)
    if (auto inner = try_json(text.substr(open, close - open + 1)))
      return inner;
  return std::nullopt;
}

// --- the checks -------------------------------------------------------------------

caf::error check_path(std::string& path) {
  auto p = trim(path);
  while (p.substr(0, 2) == "./")
    p.remove_prefix(2);
  if (p.empty())
    return reject("a file has an empty path");
  if (p.front() == '/' || p.front() == '~' || (p.size() > 1 && p[1] == ':'))
    return reject("absolute path '" + shown(p) + "'");
  for (size_t start = 0; start <= p.size();) {
    auto end = std::min(p.find('/', start), p.size());
    if (p.substr(start, end - start) == "..")
      return reject("path '" + shown(p) + "' leaves the app folder ('..')");
    start = end + 1;
  }
  if (!is_safe_relative_path(p))
    return reject("unsafe file path '" + shown(p) + "'");
  path = std::string{p};
  return {};
}

std::string title_from_html(const std::string& html) {
  auto open = html.find("<title>");
  if (open == std::string::npos)
    return {};
  auto close = html.find("</title>", open);
  if (close == std::string::npos || close - open > 200)
    return {};
  return std::string{trim(std::string_view{html}.substr(open + 7, close - open - 7))};
}

caf::expected<generated_app> finish(raw_app raw, app_type type, const output_limits& lim) {
  if (raw.files.empty())
    return reject("the output lists no files");
  if (raw.files.size() > lim.max_files)
    return reject(std::to_string(raw.files.size()) + " files (at most "
                  + std::to_string(lim.max_files) + ")");
  generated_app app;
  size_t total = 0;
  std::set<std::string> seen;
  for (auto& f : raw.files) {
    if (auto err = check_path(f.path))
      return err;
    if (!seen.insert(f.path).second)
      return reject("duplicate file '" + shown(f.path) + "'");
    if (f.content.size() > lim.max_file_bytes)
      return reject("file '" + f.path + "' has " + std::to_string(f.content.size())
                    + " bytes (at most " + std::to_string(lim.max_file_bytes) + ")");
    if (!is_text_content(f.content))
      return reject("file '" + f.path + "' is not UTF-8 text (binary content)");
    total += f.content.size();
    if (total > lim.max_total_bytes)
      return reject("the files exceed " + std::to_string(lim.max_total_bytes) + " bytes in all");
    app.files.push_back({f.path, std::move(f.content)});
  }
  bool served = type == app_type::webapp || type == app_type::site;
  if (served) {
    app.run.clear(); // the runtime serves static files itself
    app.entry = raw.entry.empty() ? std::string{default_entry(type)} : raw.entry;
  } else {
    auto run = raw.run;
    if (run.empty()) {
      auto entry = raw.entry.empty() ? std::string{default_entry(type)} : raw.entry;
      run = {"node", entry};
    }
    if (run.size() < 2 || run.size() > 8 || run[0] != "node")
      return reject("the run command must be 'node <file>' (the runtime has Node.js only)");
    for (auto& arg : run)
      if (arg.empty() || arg.size() > 200 || !is_text_content(arg) || arg.find('\n') != std::string::npos)
        return reject("the run command has an unusable argument");
    if (auto err = check_path(run[1]))
      return err;
    app.run = run;
    app.entry = run[1];
  }
  if (auto err = check_path(app.entry))
    return reject("bad entry: " + message_of(err));
  if (!seen.count(app.entry))
    return reject("the entry file '" + shown(app.entry) + "' is missing");
  app.title = std::string{trim(raw.title)};
  if (app.title.empty())
    for (auto& f : app.files)
      if (f.path == "index.html")
        app.title = title_from_html(f.content);
  if (app.title.size() > 120 || !is_text_content(app.title))
    app.title = app.title.substr(0, 0);
  app.template_name = "model";
  if (auto err = validate_app(app))
    return reject(message_of(err));
  return app;
}

} // namespace

std::string_view default_entry(app_type type) {
  switch (type) {
    case app_type::api: return "server.js";
    case app_type::script: return "main.js";
    default: return "index.html";
  }
}

bool is_text_content(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f)
        return false;
      ++i;
      continue;
    }
    size_t n = (c >= 0xc2 && c <= 0xdf) ? 1 : (c >= 0xe0 && c <= 0xef) ? 2
             : (c >= 0xf0 && c <= 0xf4) ? 3 : 0;
    if (n == 0 || i + n >= s.size())
      return false;
    uint32_t cp = c & (0x3f >> n);
    for (size_t k = 1; k <= n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80)
        return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff))
        || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += n + 1;
  }
  return true;
}

caf::expected<generated_app> parse_model_output(std::string_view text, app_type type,
                                                const output_limits& limits) {
  if (text.size() > limits.max_input_bytes)
    return reject("the output has " + std::to_string(text.size()) + " bytes (at most "
                  + std::to_string(limits.max_input_bytes) + ")");
  if (trim(text).empty())
    return reject("the output is empty");
  std::optional<raw_app> raw;
  // A fenced ```json manifest or bare JSON comes first; named fences next.
  raw = find_manifest(text);
  if (!raw)
    raw = from_fences(text);
  if (!raw)
    return reject("no files found (expected a JSON manifest or named code blocks)");
  return finish(std::move(*raw), type, limits);
}

} // namespace spawn
