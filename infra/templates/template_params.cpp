#include "infra/templates/template_params.hpp"

#include <algorithm>
#include <regex>

#include "core/text_escape.hpp"
#include "infra/templates/prompt_words.hpp"
#include "infra/templates/param_kinds.hpp"
#include "infra/templates/site.hpp"

namespace spawn {

namespace {

using json = nlohmann::json;

std::vector<std::string> strings_of(const json& j) {
  std::vector<std::string> out;
  if (j.is_array())
    for (auto& v : j)
      if (v.is_string())
        out.push_back(v.get<std::string>());
  return out;
}

/// `d[key]` if present, else an empty object (never a temporary to iterate).
const json& member(const json& d, const char* key) {
  static const json empty = json::object();
  auto it = d.find(key);
  return it == d.end() ? empty : *it;
}

bool near_any(const std::vector<prompt_token>& ts, std::size_t i,
              const std::vector<std::string>& near) {
  auto lo = i >= 3 ? i - 3 : 0;
  for (auto k = lo; k < std::min(ts.size(), i + 4); ++k)
    if (k != i && ts[k].word
        && std::find(near.begin(), near.end(), ts[k].folded) != near.end())
      return true;
  return false;
}

/// The value of a number word ("two", "douze") or of digits, else -1.
long long number_word(const std::string& w) {
  static const std::vector<std::pair<std::string_view, int>> words{
    {"one", 1}, {"two", 2}, {"three", 3}, {"four", 4}, {"five", 5}, {"six", 6}, {"seven", 7},
    {"eight", 8}, {"nine", 9}, {"ten", 10}, {"eleven", 11}, {"twelve", 12}, {"twenty", 20},
    {"deux", 2}, {"trois", 3}, {"quatre", 4}, {"cinq", 5}, {"sept", 7}, {"huit", 8},
    {"neuf", 9}, {"dix", 10}, {"douze", 12}, {"vingt", 20}};
  if (!w.empty() && w.size() <= 9
      && std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::stoll(w);
  for (auto& [word, n] : words)
    if (w == word)
      return n;
  return -1;
}

json number_param(const json& d, const prompt_traits& t) {
  auto ts = tokenise(t.prompt);
  auto lo = d.value("min", 0LL);
  auto hi = d.value("max", 1000000LL);
  auto near = strings_of(d.value("near", json::array()));
  auto is_near = [&](const std::string& w) {
    return std::find(near.begin(), near.end(), w) != near.end();
  };
  for (bool anywhere : {false, true}) {
    if (anywhere && !d.value("any", false))
      break;
    for (std::size_t i = 0; i < ts.size(); ++i) {
      if (!ts[i].word)
        continue;
      // "six-sided", "12-character": the number and its unit in one word.
      if (auto dash = ts[i].folded.find('-'); dash != std::string::npos) {
        auto n = number_word(ts[i].folded.substr(0, dash));
        if (n >= lo && n <= hi && (anywhere || is_near(ts[i].folded.substr(dash + 1))))
          return n;
        continue;
      }
      auto n = number_word(ts[i].folded);
      // "1.5" is not the whole number 1; "one" alone is too vague to count.
      if (n < 0 || (i + 2 < ts.size() && ts[i + 1].text == "." && ts[i + 2].number)
          || (!ts[i].number && anywhere))
        continue;
      if (n >= lo && n <= hi && (anywhere || near_any(ts, i, near)))
        return n;
    }
  }
  return d.value("default", json{});
}

bool is_separator(const prompt_token& tk) {
  return tk.text == "," || tk.text == "/" || tk.text == "&" || tk.text == ";"
         || tk.folded == "and" || tk.folded == "et" || tk.folded == "or" || tk.folded == "ou"
         || tk.folded == "vs" || tk.folded == "versus";
}

} // namespace

std::vector<std::string> listed_after(const prompt_traits& t,
                                      const std::vector<std::string>& after) {
  auto ts = tokenise(t.prompt);
  for (std::size_t i = 0; i < ts.size(); ++i) {
    if (!ts[i].word || std::find(after.begin(), after.end(), ts[i].folded) == after.end())
      continue;
    std::vector<std::string> items;
    std::size_t begin = std::string::npos;
    std::size_t end = 0;
    bool listed = false;
    auto close = [&] {
      if (begin != std::string::npos)
        items.push_back(capitalise(t.prompt.substr(begin, end - begin)));
      begin = std::string::npos;
    };
    std::size_t words = 0;
    for (auto k = i + 1; k < ts.size(); ++k) {
      const auto& tk = ts[k];
      if (tk.text == ":" && items.empty() && begin == std::string::npos)
        continue;
      if (is_separator(tk)) {
        listed = true;
        close();
        words = 0;
        continue;
      }
      if (!tk.word && tk.text != "'" && tk.text != "-")
        break;
      // "between Ana and Ben for the trip": a stop word after the last item ends the list.
      if (listed && begin == std::string::npos && is_stop_word(tk.folded))
        break;
      if (begin == std::string::npos && is_article(tk.folded))
        continue;
      // "to choose between pizza, sushi": a preposition before the first item.
      if (begin == std::string::npos && items.empty() && is_stop_word(tk.folded))
        continue;
      if (begin != std::string::npos && is_stop_word(tk.folded) && words >= 1)
        break;
      if (++words > 4)
        break;
      if (begin == std::string::npos)
        begin = tk.pos;
      end = tk.pos + tk.text.size();
    }
    close();
    if (listed && items.size() >= 2)
      return items;
  }
  return {};
}

namespace {

json list_param(const json& d, const prompt_traits& t) {
  auto after = strings_of(d.value("after", json::array()));
  auto items = listed_after(t, after);
  // "with columns Backlog, Doing and Done columns": the trigger words are not items.
  auto trigger = [&](const std::string& w) {
    return std::find(after.begin(), after.end(), fold(w)) != after.end();
  };
  for (auto& item : items) {
    for (auto space = item.find(' '); space != std::string::npos && trigger(item.substr(0, space));
         space = item.find(' '))
      item = capitalise(item.substr(space + 1));
    auto space = item.rfind(' ');
    if (space != std::string::npos && trigger(item.substr(space + 1)))
      item.erase(space);
  }
  auto min_items = d.value("min_items", 2u);
  if (items.size() >= min_items) {
    json out = json::array();
    for (auto& i : items)
      if (out.size() < d.value("max_items", 12u))
        out.push_back(i);
    return out;
  }
  return d.value("default", json::array());
}

json lookup_param(const json& d, const prompt_traits& t) {
  std::vector<std::pair<int, json>> found;
  for (auto& [key, value] : member(d, "table").items()) {
    auto at = t.find(key);
    if (at < 0)
      continue;
    // "new york" must not also count as "york".
    bool inside = std::any_of(found.begin(), found.end(), [&](auto& f) {
      auto other = fold(f.second["key"].template get<std::string>());
      return other.size() > key.size() && other.find(key) != std::string::npos;
    });
    if (inside)
      continue;
    found.erase(std::remove_if(found.begin(), found.end(),
                               [&](auto& f) {
                                 auto k = f.second["key"].template get<std::string>();
                                 return key.size() > k.size() && key.find(k) != std::string::npos;
                               }),
                found.end());
    // The name as the prompt writes it ("Montréal"), capitalised.
    std::string name;
    auto words = tokenise(key).size();
    std::size_t seen = 0;
    for (auto& tk : tokenise(t.prompt)) {
      if (!tk.word)
        continue;
      if (seen >= static_cast<std::size_t>(at) && seen < at + words)
        name += (name.empty() ? "" : " ") + capitalise(tk.text);
      ++seen;
    }
    found.push_back({at, json{{"key", key}, {"name", name}, {"value", value}}});
  }
  std::stable_sort(found.begin(), found.end(),
                   [](auto& a, auto& b) { return a.first < b.first; });
  if (found.empty())
    return d.value("default", json::array());
  json out = json::array();
  for (auto& f : found)
    out.push_back({{"name", f.second["name"]}, {"value", f.second["value"]}});
  return out;
}

json choice_param(const json& d, const prompt_traits& t) {
  std::vector<std::pair<int, std::string>> found;
  for (auto& [key, words] : member(d, "options").items()) {
    int best = -1;
    for (auto& w : strings_of(words))
      if (auto at = t.find(w); at >= 0 && (best < 0 || at < best))
        best = at;
    if (best >= 0)
      found.push_back({best, key});
  }
  std::stable_sort(found.begin(), found.end());
  json out = json::array();
  for (auto& f : found)
    out.push_back(f.second);
  return out.empty() ? d.value("default", json::array()) : out;
}

/// The name the prompt gives ("called Sweet Crumbs"), else the first run of
/// capitalised words after the first word ("for Sweet Crumbs in Lyon").
json name_param(const json& d, const prompt_traits& t) {
  if (t.title_from == title_source::named)
    return t.title;
  auto ts = tokenise(t.prompt);
  std::size_t begin = std::string::npos;
  std::size_t end = 0;
  for (std::size_t i = 1; i < ts.size(); ++i) {
    auto c = static_cast<unsigned char>(ts[i].text[0]);
    bool cap = ts[i].word && !ts[i].number && c >= 'A' && c <= 'Z' && ts[i].text != "I"
               && ts[i].folded != "api" && ts[i].folded != "html";
    if (cap) {
      if (begin == std::string::npos)
        begin = ts[i].pos;
      end = ts[i].pos + ts[i].text.size();
    } else if (begin != std::string::npos) {
      break;
    }
  }
  if (begin != std::string::npos)
    return t.prompt.substr(begin, end - begin);
  return d.value("default", json{});
}

} // namespace

json extract_params(const json& declared, const prompt_traits& t) {
  json out = json::object();
  if (!declared.is_object())
    return out;
  for (auto& [name, d] : declared.items()) {
    auto kind = d.value("kind", std::string{});
    if (kind == "number")
      out[name] = number_param(d, t);
    else if (kind == "list")
      out[name] = list_param(d, t);
    else if (kind == "lookup")
      out[name] = lookup_param(d, t);
    else if (kind == "choice")
      out[name] = choice_param(d, t);
    else if (kind == "flag") {
      bool any = false;
      for (auto& w : strings_of(d.value("words", json::array())))
        any = any || t.find(w) >= 0;
      out[name] = any;
    } else if (kind == "date")
      out[name] = date_param(d, t);
    else if (kind == "range") {
      // "between 1 and 6", "from -10 to 40", "de 1 à 49"
      static const std::regex range{
        R"((-?\d{1,9})\s*(?:to|and|through|-|–|à|a|et|jusqu'à)\s*(-?\d{1,9}))", std::regex::icase};
      std::smatch m;
      if (std::regex_search(t.prompt, m, range)) {
        auto a = std::stoll(m.str(1));
        auto b = std::stoll(m.str(2));
        out[name] = {{"from", std::min(a, b)}, {"to", std::max(a, b)}};
      } else {
        out[name] = d.value("default", json{});
      }
    } else if (kind == "rates")
      out[name] = rates_param(d, t);
    else if (kind == "name")
      out[name] = name_param(d, t);
    else if (kind == "trade") {
      auto k = site_kind_for(t);
      json services = json::array();
      for (auto& sv : k.value("services", json::array()))
        if (sv.is_array() && sv.size() == 2)
          services.push_back({{"name", sv[0]}, {"text", sv[1]}});
      // The trade as the prompt says it ("bakery", "plumber"), else the kind's label.
      std::string word;
      for (auto& w : k.value("words", json::array()))
        if (word.empty() && t.has(w.get<std::string>()))
          word = w.get<std::string>();
      out[name] = {{"label", word.empty() ? k.value("label", std::string{}) : capitalise(word)},
                   {"tagline", k.value("tagline", std::string{})},
                   {"services", services}};
    }
    else
      out[name] = d.value("default", json{});
  }
  return out;
}

} // namespace spawn
