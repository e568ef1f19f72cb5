// Built-in question banks of the quiz template. Each question: q, choices,
// answer (index into choices) and why (a one-line explanation).

#include "infra/template_files.hpp"
#include "infra/templates/templates.hpp"

namespace spawn {

nlohmann::json quiz_questions(const std::string& bank) {
  static const auto banks = nlohmann::json::parse(template_text("quiz/banks.json"));
  if (bank == "math")
    return nlohmann::json::array(); // generated in the browser
  auto it = banks.find(bank);
  return it != banks.end() ? *it : banks.at("general");
}

std::string quiz_bank_for(const prompt_traits& t) {
  struct rule {
    const char* bank;
    std::initializer_list<std::string_view> words;
  };
  static const rule rules[] = {
    {"space", {"space", "astronomy", "planet", "planets", "solar system", "espace", "astronomie",
               "planete", "planetes", "stars", "universe", "univers", "cosmos"}},
    {"geography", {"geography", "capitals", "capital", "countries", "country", "geographie",
                   "capitales", "pays", "world", "monde", "flags", "rivers"}},
    {"history", {"history", "historical", "histoire", "historique", "war", "ancient"}},
    {"science", {"science", "sciences", "physics", "chemistry", "biology", "physique", "chimie",
                 "biologie"}},
    {"programming", {"programming", "coding", "code", "javascript", "python", "computer",
                     "computers", "computing", "software", "tech", "technology",
                     "programmation", "informatique", "developer", "developers"}},
    {"animals", {"animals", "animal", "animaux", "wildlife", "nature", "zoo", "pets"}},
    {"math", {"math", "maths", "mathematics", "arithmetic", "mathematiques", "calcul",
              "multiplication", "multiplications", "addition", "times tables", "mental"}}};
  // The topic phrase decides first, then any word of the prompt.
  const auto topic = analyse_prompt(t.topic);
  for (const prompt_traits* source : {&topic, &t})
    for (auto& r : rules)
      for (auto w : r.words)
        if (source->find(w) >= 0)
          return r.bank;
  return "";
}

} // namespace spawn
