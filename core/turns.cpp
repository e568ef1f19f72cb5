#include "core/turns.hpp"

#include <algorithm>
#include <map>

namespace spawn {

namespace {

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    auto nl = s.find('\n', start);
    if (nl == std::string::npos) {
      out.push_back(s.substr(start));
      break;
    }
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

/// One line of an edit script: ' ' kept, '-' removed, '+' added.
struct edit_line {
  char op;
  size_t a, b; ///< line index in before / after (of the next line for the other side)
};

/// The edit script of a longest common subsequence (dynamic programming on
/// the lines between the common head and tail); past `max_cells` the middle
/// is shown as removed then added.
std::vector<edit_line> edit_script(const std::vector<std::string>& a,
                                   const std::vector<std::string>& b) {
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head])
    ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head
         && a[a.size() - 1 - tail] == b[b.size() - 1 - tail])
    ++tail;
  std::vector<edit_line> out;
  for (size_t i = 0; i < head; ++i)
    out.push_back({' ', i, i});
  size_t n = a.size() - head - tail, m = b.size() - head - tail;
  constexpr size_t max_cells = 16u << 20;
  if (n > 0 && m > 0 && (n + 1) * (m + 1) <= max_cells) {
    std::vector<uint32_t> lcs((n + 1) * (m + 1), 0);
    auto at = [&](size_t i, size_t j) -> uint32_t& { return lcs[i * (m + 1) + j]; };
    for (size_t i = n; i-- > 0;)
      for (size_t j = m; j-- > 0;)
        at(i, j) = a[head + i] == b[head + j] ? at(i + 1, j + 1) + 1
                                              : std::max(at(i + 1, j), at(i, j + 1));
    size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[head + i] == b[head + j]) {
        out.push_back({' ', head + i, head + j});
        ++i, ++j;
      } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
        out.push_back({'-', head + i, head + j});
        ++i;
      } else {
        out.push_back({'+', head + i, head + j});
        ++j;
      }
    }
  } else {
    for (size_t i = 0; i < n; ++i)
      out.push_back({'-', head + i, head});
    for (size_t j = 0; j < m; ++j)
      out.push_back({'+', head + n, head + j});
  }
  for (size_t k = 0; k < tail; ++k)
    out.push_back({' ', head + n + k, head + m + k});
  return out;
}

std::string range(size_t start, size_t count) {
  // Unified diff ranges are 1-based; an empty range names the line before.
  auto first = count == 0 ? start : start + 1;
  return std::to_string(first) + (count == 1 ? "" : "," + std::to_string(count));
}

} // namespace

const char* to_string(turn_status s) {
  switch (s) {
    case turn_status::running: return "running";
    case turn_status::done: return "done";
    case turn_status::unchanged: return "unchanged";
    case turn_status::failed: return "failed";
  }
  return "?";
}

std::string unified_diff(const std::string& path, const std::string& before,
                         const std::string& after) {
  if (before == after)
    return {};
  auto a = split_lines(before), b = split_lines(after);
  auto script = a.size() > 20000 || b.size() > 20000 ? std::vector<edit_line>{}
                                                     : edit_script(a, b);
  if (script.empty()) {
    for (size_t i = 0; i < a.size(); ++i)
      script.push_back({'-', i, 0});
    for (size_t j = 0; j < b.size(); ++j)
      script.push_back({'+', a.size(), j});
  }
  std::string out = "--- " + (before.empty() ? std::string{"/dev/null"} : "a/" + path) + "\n+++ "
                    + (after.empty() ? std::string{"/dev/null"} : "b/" + path) + "\n";
  constexpr size_t context = 3;
  size_t k = 0;
  while (k < script.size()) {
    // The next change, and the hunk around it (changes closer than two
    // contexts share one hunk).
    while (k < script.size() && script[k].op == ' ')
      ++k;
    if (k == script.size())
      break;
    auto start = k >= context ? k - context : 0;
    auto end = k;
    while (end < script.size()) {
      if (script[end].op != ' ') {
        ++end;
        continue;
      }
      auto run = end;
      while (run < script.size() && script[run].op == ' ')
        ++run;
      if (run == script.size() || run - end > 2 * context) {
        end = std::min(script.size(), end + context);
        break;
      }
      end = run;
    }
    size_t a_count = 0, b_count = 0;
    for (auto i = start; i < end; ++i) {
      a_count += script[i].op != '+';
      b_count += script[i].op != '-';
    }
    out += "@@ -" + range(script[start].a, a_count) + " +" + range(script[start].b, b_count)
           + " @@\n";
    for (auto i = start; i < end; ++i) {
      auto& e = script[i];
      out += e.op;
      out += e.op == '+' ? b[e.b] : a[e.a];
      out += '\n';
    }
    k = end;
  }
  return out;
}

version_diff diff_apps(const generated_app& a, int from, const generated_app& b, int to) {
  version_diff d;
  d.from = from;
  d.to = to;
  std::map<std::string, std::pair<const std::string*, const std::string*>> by_path;
  for (auto& f : a.files)
    by_path[f.path].first = &f.content;
  for (auto& f : b.files)
    by_path[f.path].second = &f.content;
  static const std::string none;
  for (auto& [path, pair] : by_path) {
    auto* before = pair.first ? pair.first : &none;
    auto* after = pair.second ? pair.second : &none;
    if (pair.first && pair.second && *before == *after)
      continue;
    file_diff f;
    f.path = path;
    f.change = !pair.first ? "added" : !pair.second ? "removed" : "modified";
    f.diff = unified_diff(path, *before, *after);
    if (f.diff.empty()) // an empty file added or removed
      f.diff = std::string{"--- "} + (pair.first ? "a/" + path : "/dev/null") + "\n+++ "
               + (pair.second ? "b/" + path : "/dev/null") + "\n";
    d.files.push_back(std::move(f));
  }
  return d;
}

bool same_files(const generated_app& a, const generated_app& b) {
  if (a.files.size() != b.files.size() || a.run != b.run || a.bundle != b.bundle)
    return false;
  std::map<std::string, const std::string*> by_path;
  for (auto& f : a.files)
    by_path[f.path] = &f.content;
  for (auto& f : b.files) {
    auto i = by_path.find(f.path);
    if (i == by_path.end() || *i->second != f.content)
      return false;
  }
  return true;
}

} // namespace spawn
