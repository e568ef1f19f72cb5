// The `date` and `rates` parameter kinds of the template manifests.

#include "infra/templates/param_kinds.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <regex>

#include "core/text_escape.hpp"
#include "infra/templates/prompt_words.hpp"

namespace spawn {

using json = nlohmann::json;

namespace {

int month_of(const std::string& w) {
  static const char* en[] = {"january", "february", "march", "april", "may", "june",
                             "july", "august", "september", "october", "november", "december"};
  static const char* fr[] = {"janvier", "fevrier", "mars", "avril", "mai", "juin",
                             "juillet", "aout", "septembre", "octobre", "novembre", "decembre"};
  for (int m = 0; m < 12; ++m)
    if (w == en[m] || w == fr[m] || (w.size() == 3 && std::string{en[m]}.substr(0, 3) == w))
      return m + 1;
  return 0;
}

std::string iso(int y, int m, int d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

/// The next occurrence of month/day from today (this year or the next).
std::string next_date(int month, int day) {
  auto now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  int year = tm.tm_year + 1900;
  if (month < tm.tm_mon + 1 || (month == tm.tm_mon + 1 && day <= tm.tm_mday))
    ++year;
  return iso(year, month, day);
}

} // namespace

json date_param(const json& d, const prompt_traits& t) {
  auto ts = tokenise(t.prompt);
  static const std::regex iso_re{R"((\d{4})-(\d{2})-(\d{2}))"};
  std::smatch m;
  std::string label = d.value("label", std::string{"the big day"});
  // The event: the words after "to"/"until"/"before", up to the date.
  for (std::size_t i = 0; i < ts.size(); ++i) {
    const auto& w = ts[i].folded;
    if (w != "to" && w != "until" && w != "till" && w != "before" && w != "jusqu"
        && w != "avant" && w != "for")
      continue;
    std::string phrase;
    for (auto k = i + 1; k < ts.size() && k < i + 6; ++k) {
      if (!ts[k].word || ts[k].number || month_of(ts[k].folded) || ts[k].folded == "on"
          || ts[k].folded == "le" || ts[k].folded == "in" || ts[k].folded == "with"
          || ts[k].folded == "avec" || ts[k].folded == "at")
        break;
      if (phrase.empty() && is_article(ts[k].folded))
        continue;
      phrase += (phrase.empty() ? "" : " ") + ts[k].text;
    }
    if (!phrase.empty() && fold(phrase) != "a" && fold(phrase) != "date") {
      label = phrase;
      break;
    }
  }
  std::string prompt = t.prompt;
  if (std::regex_search(prompt, m, iso_re))
    return {{"iso", m.str(0)}, {"label", label}};
  for (std::size_t i = 0; i + 1 < ts.size(); ++i) {
    // "25 December", "December 25", "25/12"
    if (ts[i].number && ts[i].text.size() <= 2 && month_of(ts[i + 1].folded)) {
      auto day = std::stoi(ts[i].text);
      if (day >= 1 && day <= 31)
        return {{"iso", next_date(month_of(ts[i + 1].folded), day)}, {"label", label}};
    }
    if (month_of(ts[i].folded) && ts[i].folded != "may" && ts[i + 1].number
        && ts[i + 1].text.size() <= 2) {
      auto day = std::stoi(ts[i + 1].text);
      if (day >= 1 && day <= 31)
        return {{"iso", next_date(month_of(ts[i].folded), day)}, {"label", label}};
    }
  }
  static const std::vector<std::tuple<std::vector<std::string_view>, int, int, std::string_view>>
    events{{{"christmas", "noel", "xmas"}, 12, 25, "Christmas"},
           {{"new year", "new years", "new year s", "nouvel an", "new year's"}, 1, 1, "New Year"},
           {{"halloween"}, 10, 31, "Halloween"},
           {{"end of the year", "end of year", "fin de l annee", "year end"}, 12, 31,
            "The end of the year"},
           {{"valentine", "valentines", "valentine s", "saint valentin"}, 2, 14, "Valentine's Day"},
           {{"new year s eve", "new years eve", "saint sylvestre", "reveillon"}, 12, 31,
            "New Year's Eve"}};
  // "until the weekend", "until Friday": the next one.
  static const std::vector<std::pair<std::vector<std::string_view>, int>> weekdays{
    {{"weekend", "week-end", "saturday", "samedi"}, 6}, {{"friday", "vendredi"}, 5},
    {{"sunday", "dimanche"}, 0}, {{"monday", "lundi"}, 1}};
  for (auto& [words, wday] : weekdays)
    for (auto w : words)
      if (t.find(w) >= 0) {
        auto now = std::time(nullptr);
        std::tm tm{};
        localtime_r(&now, &tm);
        int ahead = (wday - tm.tm_wday + 7) % 7;
        auto when = now + static_cast<std::time_t>(ahead == 0 ? 7 : ahead) * 86400;
        localtime_r(&when, &tm);
        return {{"iso", iso(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday)},
                {"label", label == d.value("label", std::string{"the big day"})
                            ? capitalise(std::string{words[0]}) : label}};
      }
  for (auto& [words, month, day, name] : events)
    for (auto w : words)
      if (t.find(w) >= 0) {
        bool eve = t.has("eve") && month == 1;
        return {{"iso", eve ? next_date(12, 31) : next_date(month, day)},
                {"label", eve ? "New Year's Eve" : std::string{name}}};
      }
  auto fallback = d.value("default_days", 30);
  auto when = std::time(nullptr) + static_cast<std::time_t>(fallback) * 86400;
  std::tm tm{};
  gmtime_r(&when, &tm);
  return {{"iso", iso(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday)}, {"label", label}};
}

json rates_param(const json& d, const prompt_traits& t) {
  static const std::regex eq{R"((\d+(?:[.,]\d+)?)\s*([A-Za-z]{3})\s*(?:=|is|equals|vaut|:)\s*(\d+(?:[.,]\d+)?)\s*([A-Za-z]{3}))"};
  static const std::regex per{R"((\d+(?:[.,]\d+)?)\s*([A-Za-z]{3})\s*(?:per|a|an|for|pour|par)\s*(?:1\s*)?([A-Za-z]{3})\b)"};
  auto num = [](std::string s) {
    std::replace(s.begin(), s.end(), ',', '.');
    return std::stod(s);
  };
  auto upper = [](std::string s) {
    for (auto& c : s)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  };
  static const std::vector<std::string> codes{
    "EUR", "USD", "GBP", "JPY", "CHF", "CAD", "AUD", "CNY", "INR", "SEK", "NOK", "DKK",
    "PLN", "BRL", "MXN", "NZD", "SGD", "HKD", "KRW", "ZAR", "TRY", "MAD", "XOF", "CZK"};
  auto known = [&](const std::string& c) {
    return std::find(codes.begin(), codes.end(), c) != codes.end();
  };
  // "100 dollars to euros at 0.92": currency words become their codes first.
  static const std::vector<std::pair<std::regex, const char*>> names{
    {std::regex{R"((?:us )?dollars?|\$)", std::regex::icase}, "USD"},
    {std::regex{R"(euros?|€)", std::regex::icase}, "EUR"},
    {std::regex{R"(pounds? sterling|pounds?|£)", std::regex::icase}, "GBP"},
    {std::regex{R"(\byen\b|¥)", std::regex::icase}, "JPY"},
    {std::regex{R"(swiss francs?|francs? suisses?)", std::regex::icase}, "CHF"}};
  std::string p = t.prompt;
  for (auto& [re, code] : names)
    p = std::regex_replace(p, re, std::string{" "} + code + " ");
  static const std::regex at{R"(\b([A-Za-z]{3})\s+(?:to|into|in|en|vers)\s+([A-Za-z]{3})\s+(?:at|@|=|au taux de|a rate of|at a rate of)\s*(\d+(?:[.,]\d+)?))"};
  json out = json::array();
  for (auto it = std::sregex_iterator(p.begin(), p.end(), eq); it != std::sregex_iterator{}; ++it) {
    auto from = upper((*it)[2]);
    auto to = upper((*it)[4]);
    auto a = num((*it)[1]);
    if (known(from) && known(to) && a > 0)
      out.push_back({{"from", from}, {"to", to}, {"rate", num((*it)[3]) / a}});
  }
  if (out.empty())
    for (auto it = std::sregex_iterator(p.begin(), p.end(), per); it != std::sregex_iterator{};
         ++it) {
      auto to = upper((*it)[2]);
      auto from = upper((*it)[3]);
      if (known(from) && known(to))
        out.push_back({{"from", from}, {"to", to}, {"rate", num((*it)[1])}});
    }
  if (out.empty())
    for (auto it = std::sregex_iterator(p.begin(), p.end(), at); it != std::sregex_iterator{};
         ++it) {
      auto from = upper((*it)[1]);
      auto to = upper((*it)[2]);
      if (known(from) && known(to) && num((*it)[3]) > 0)
        out.push_back({{"from", from}, {"to", to}, {"rate", num((*it)[3])}});
    }
  return out.empty() ? d.value("default", json::array()) : out;
}

} // namespace spawn
