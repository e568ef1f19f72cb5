// Script templates "fibonacci_script", "primes_script", "table_script" and
// "factorial_script": one Node.js program that computes what the prompt asks
// ("the first 20 fibonacci numbers", "primes up to 1000", "the 7 times
// table") and prints an HTML page of results.

#include <algorithm>

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
  return "";
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
  bool first = t.has_any({"first", "premiers", "count"}) && !t.has_any({"below", "under", "up to"});
  if (mode == "fibonacci") {
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
    // "the 7 times table up to 20", "multiplication tables up to 15"
    bool grid = ns.empty()
                || (t.has_any({"tables", "grid", "1 to", "up to"}) && ns.size() == 1
                    && !t.has_any({"of", "de", "du"}));
    config["n"] = grid ? 0 : std::clamp<long long>(ns[0], 1, 1000000);
    config["upto"] = grid ? (ns.empty() ? 12 : std::clamp<long long>(ns[0], 5, 20))
                          : (ns.size() > 1 ? std::clamp<long long>(ns[1], 10, 100) : 12);
  }
  return {{"main.js", substitute(template_text("math_script/main.js"), {{"CONFIG", js_value(config)}})}};
}

} // namespace spawn
