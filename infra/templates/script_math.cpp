// Script templates "fibonacci_script", "primes_script", "table_script" and
// "factorial_script": one Node.js program that computes what the prompt asks
// ("the first 20 fibonacci numbers", "primes up to 1000", "the 7 times
// table") and prints an HTML page of results.

#include <algorithm>
#include <regex>

#include "infra/template_files.hpp"
#include "infra/templates/templates.hpp"
#include "core/text_escape.hpp"

namespace spawn {

namespace {

bool mentions_limit(const prompt_traits& t) {
  return t.has_any({"below", "under", "up to", "upto", "less than", "smaller than", "until",
                    "jusqu'a", "jusqu a", "inferieurs", "inferieur", "moins de", "max",
                    "maximum"});
}

/// A range the prompt states ("from -10 to 40", "between 1 and 20").
bool stated_range(const prompt_traits& t, long long& from, long long& to) {
  static const std::regex range{
    R"((-?\d{1,7})\s*(?:to|and|through|thru|a|à|jusqu'à|-|–)\s*(-?\d{1,7}))",
    std::regex::icase};
  std::smatch m;
  if (!std::regex_search(t.prompt, m, range))
    return false;
  from = std::stoll(m.str(1));
  to = std::stoll(m.str(2));
  if (from > to)
    std::swap(from, to);
  return to - from <= 100000;
}

/// "the 20th fibonacci number": an ordinal asks for a count.
long long stated_ordinal(const prompt_traits& t) {
  static const std::regex ordinal{R"((\d{1,6})\s*(?:st|nd|rd|th|e|eme|ème)\b)", std::regex::icase};
  std::smatch m;
  return std::regex_search(t.prompt, m, ordinal) ? std::stoll(m.str(1)) : 0;
}

/// Which series a "series" script prints ("squares", "cubes", "triangular",
/// "powers", "even", "odd", "c_to_f", "f_to_c", "km_to_mi"), or "".
std::string series_kind(const prompt_traits& t) {
  if (t.has_any({"celsius to fahrenheit", "c to f", "celsius en fahrenheit", "celsius and fahrenheit",
                 "temperature", "temperatures"}))
    return t.find("fahrenheit") >= 0 && t.find("celsius") > t.find("fahrenheit") ? "f_to_c" : "c_to_f";
  if (t.has_any({"fahrenheit to celsius", "f to c", "fahrenheit en celsius"}))
    return "f_to_c";
  if (t.has_any({"km to miles", "kilometres to miles", "kilometers to miles", "km en miles"}))
    return "km_to_mi";
  if (t.has_any({"squares", "square numbers", "square", "carres", "carre", "perfect squares"}))
    return "squares";
  if (t.has_any({"cubes", "cube numbers", "cube"}))
    return "cubes";
  if (t.has_any({"triangular", "triangle numbers", "triangulaires"}))
    return "triangular";
  if (t.has_any({"powers of", "power of", "puissances de", "puissance de"}))
    return "powers";
  if (t.has_any({"fizzbuzz", "fizz buzz", "fizz-buzz"}))
    return "fizzbuzz";
  if (t.has_any({"numbers from", "count from", "count to", "count up to", "integers", "numbers 1 to",
                 "nombres de", "compter de", "compte de", "compter jusqu"}))
    return "integers";
  if (t.has_any({"even numbers", "even", "nombres pairs", "pairs"}))
    return "even";
  if (t.has_any({"odd numbers", "odd", "nombres impairs", "impairs"}))
    return "odd";
  return "";
}

} // namespace

std::string math_mode(const prompt_traits& t) {
  if (t.has_any({"fibonacci", "fibo", "fib"}))
    return "fibonacci";
  if (t.has_any({"prime", "primes", "premier", "premiers", "nombres premiers"}))
    return "primes";
  if (t.has_any({"factorial", "factorials", "factorielle", "factorielles"}))
    return "factorial";
  if (t.has_any({"multiplication", "times table", "times tables", "table de", "tables de",
                 "multiplications", "tables"}))
    return "table";
  if (!series_kind(t).empty())
    return "series";
  return "";
}

std::string series_title(const prompt_traits& t) {
  auto kind = series_kind(t);
  if (kind == "c_to_f")
    return "Celsius to Fahrenheit";
  if (kind == "f_to_c")
    return "Fahrenheit to Celsius";
  if (kind == "km_to_mi")
    return "Kilometres to Miles";
  if (kind == "powers")
    return "Powers";
  if (kind == "fizzbuzz")
    return "FizzBuzz";
  if (kind == "integers")
    return "Numbers";
  if (kind == "even" || kind == "odd")
    return capitalise(kind) + " Numbers";
  return capitalise(kind == "triangular" ? "triangular numbers" : kind == "squares" ? "square numbers" : "cube numbers");
}

std::vector<app_file> math_script(const prompt_traits& t, const std::string& title) {
  auto mode = math_mode(t);
  if (mode.empty())
    mode = "table";
  std::vector<long long> ns;
  for (auto n : t.numbers)
    if (n > 0)
      ns.push_back(n);
  nlohmann::json config{{"mode", mode},
                        {"title", title},
                        {"prompt", t.prompt},
                        {"css", plain_css(t.accent.empty() ? "#2563eb" : t.accent)}};
  // "les nombres premiers" are primes; "les 10 premiers nombres premiers" also says first.
  auto premiers = std::count(t.words.begin(), t.words.end(), "premiers");
  bool first = (t.has_any({"first", "count", "premieres"})
                || premiers > (t.find("nombres premiers") >= 0 ? 1 : 0))
               && !t.has_any({"below", "under", "up to"}) && !mentions_limit(t);
  auto ordinal = stated_ordinal(t);
  if (ordinal > 0)
    first = true, ns.insert(ns.begin(), ordinal);
  long long from = 0;
  long long to = 0;
  bool ranged = stated_range(t, from, to);
  if (mode == "series") {
    // "squares from 1 to 15", "the first 12 cube numbers", "celsius from -10 to 40"
    auto kind = series_kind(t);
    config["kind"] = kind;
    if (kind == "powers") {
      static const std::regex base{R"((?:powers?|puissances?) (?:of|de) (\d{1,4}))", std::regex::icase};
      std::smatch m;
      config["base"] = std::regex_search(t.prompt, m, base) ? std::stoll(m.str(1)) : 2;
    }
    bool conversion = kind == "c_to_f" || kind == "f_to_c" || kind == "km_to_mi";
    if (ranged && !t.has_any({"first", "premieres"})) {
      config["from"] = from;
      config["to"] = to;
    } else {
      long long count = 10;
      for (auto n : ns)
        if (n > 0 && n <= 100000 && !(kind == "powers" && n == config["base"].get<long long>()
                                      && ns.size() > 1)) {
          count = n;
          break;
        }
      config["from"] = conversion ? 0 : 1;
      config["to"] = (conversion ? 0 : 1) + count - 1;
      if (conversion && !ranged)
        config["from"] = kind == "c_to_f" ? -10 : 0, config["to"] = kind == "c_to_f" ? 40 : 100;
    }
    config["step"] = conversion && config["to"].get<long long>() - config["from"].get<long long>() > 30 ? 5 : 1;
  } else if (mode == "fibonacci") {
    config["count"] = ns.empty() ? 30 : std::clamp<long long>(ns[0], 1, 1000);
    config["limit"] = !ns.empty() && !first && mentions_limit(t)
                        ? nlohmann::json(std::clamp<long long>(ns[0], 1, 1000000000000LL))
                        : nlohmann::json(nullptr);
  } else if (mode == "primes") {
    if (!ns.empty() && first) {
      config["count"] = std::clamp<long long>(ns[0], 1, 200000);
    } else {
      config["count"] = nullptr;
      config["limit"] = ns.empty() ? 100 : std::clamp<long long>(ns[0], 2, 5000000);
    }
  } else if (mode == "factorial") {
    config["n"] = ns.empty() ? 20 : std::clamp<long long>(ns[0], 1, 300);
  } else {
    // "a multiplication table from 1 to 10": every number is the range's.
    bool only_range = ranged && !ns.empty()
                      && std::all_of(ns.begin(), ns.end(),
                                     [&](long long n) { return n == from || n == to; });
    if (only_range && from <= 1 && !t.has_any({"of", "de", "du", "times"})) {
      config["n"] = 0;
      config["upto"] = std::clamp<long long>(to, 5, 20);
      return {{"main.js", substitute(template_text("math_script/main.js"),
                                     {{"CONFIG", js_value(config)}})}};
    }
    // "the 7 times table up to 20", "multiplication tables up to 15"
    bool grid = ns.empty()
                || (t.has_any({"tables", "grid", "1 to", "up to"}) && ns.size() == 1
                    && !t.has_any({"of", "de", "du"}));
    config["n"] = grid ? 0 : std::clamp<long long>(ns[0], 1, 1000000);
    config["upto"] = grid ? (ns.empty() ? 12 : std::clamp<long long>(ns[0], 5, 20))
                          : (ns.size() > 1 ? std::clamp<long long>(ns[1], 10, 100) : 12);
    // "the 9 times table from 1 to 20": the range is the rows.
    if (!grid && ranged && from >= 0 && to >= 1 && !(from == 0 && to == 0)) {
      config["start"] = std::max<long long>(from, 0);
      config["upto"] = std::clamp<long long>(to, 1, 1000);
    }
  }
  return {{"main.js", substitute(template_text("math_script/main.js"), {{"CONFIG", js_value(config)}})}};
}

} // namespace spawn
