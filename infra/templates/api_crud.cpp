// Api template "crud_api": a Node.js (standard library only) JSON CRUD API
// for the resource the prompt names ("an API for books" -> /books), with a
// schema, validation, JSON errors, seeded examples, search, sorting, paging,
// CORS, an HTML index page and optional persistence to a file under /tmp.

#include <algorithm>
#include <set>

#include "infra/template_generator.hpp"
#include "infra/templates/prompt_words.hpp"
#include "infra/template_files.hpp"
#include "infra/templates/templates.hpp"
#include "core/text_escape.hpp"

namespace spawn {

namespace {

struct known_resource {
  const char* name;
  const char* schema; ///< JSON array of {key, type, required}
  const char* seed;   ///< JSON array of objects
};

const known_resource known[] = {
  {"books",
   R"([{"key":"title","type":"string","required":true},{"key":"author","type":"string","required":true},{"key":"year","type":"number","required":false},{"key":"read","type":"boolean","required":false}])",
   R"([{"title":"Dune","author":"Frank Herbert","year":1965,"read":true},{"title":"The Hobbit","author":"J. R. R. Tolkien","year":1937,"read":false},{"title":"Pride and Prejudice","author":"Jane Austen","year":1813,"read":false}])"},
  {"movies",
   R"([{"key":"title","type":"string","required":true},{"key":"director","type":"string","required":false},{"key":"year","type":"number","required":false},{"key":"watched","type":"boolean","required":false}])",
   R"([{"title":"Spirited Away","director":"Hayao Miyazaki","year":2001,"watched":true},{"title":"Inception","director":"Christopher Nolan","year":2010,"watched":false},{"title":"Parasite","director":"Bong Joon-ho","year":2019,"watched":false}])"},
  {"todos",
   R"([{"key":"title","type":"string","required":true},{"key":"done","type":"boolean","required":false}])",
   R"([{"title":"Write the README","done":true},{"title":"Add tests","done":false},{"title":"Ship it","done":false}])"},
  {"tasks",
   R"([{"key":"title","type":"string","required":true},{"key":"done","type":"boolean","required":false},{"key":"priority","type":"string","required":false}])",
   R"([{"title":"Plan the sprint","done":true,"priority":"high"},{"title":"Review pull requests","done":false,"priority":"normal"},{"title":"Update dependencies","done":false,"priority":"low"}])"},
  {"users",
   R"([{"key":"name","type":"string","required":true},{"key":"email","type":"string","required":true},{"key":"role","type":"string","required":false}])",
   R"([{"name":"Ada Lovelace","email":"ada@example.com","role":"admin"},{"name":"Alan Turing","email":"alan@example.com","role":"member"}])"},
  {"products",
   R"([{"key":"name","type":"string","required":true},{"key":"price","type":"number","required":true},{"key":"stock","type":"number","required":false}])",
   R"([{"name":"Coffee mug","price":12.5,"stock":40},{"name":"Notebook","price":6,"stock":120},{"name":"Desk lamp","price":39.9,"stock":8}])"},
  {"notes",
   R"([{"key":"title","type":"string","required":true},{"key":"body","type":"string","required":false}])",
   R"([{"title":"Welcome","body":"This note came with the API. Edit or delete it."},{"title":"Ideas","body":"Try PUT and PATCH on /notes/2."}])"},
  {"posts",
   R"([{"key":"title","type":"string","required":true},{"key":"body","type":"string","required":false},{"key":"author","type":"string","required":false}])",
   R"([{"title":"Hello, world","body":"The first post.","author":"Admin"},{"title":"Second thoughts","body":"Another post.","author":"Admin"}])"},
  {"recipes",
   R"([{"key":"name","type":"string","required":true},{"key":"minutes","type":"number","required":false},{"key":"servings","type":"number","required":false}])",
   R"([{"name":"Pancakes","minutes":20,"servings":4},{"name":"Tomato soup","minutes":35,"servings":2}])"},
  {"contacts",
   R"([{"key":"name","type":"string","required":true},{"key":"email","type":"string","required":false},{"key":"phone","type":"string","required":false}])",
   R"([{"name":"Grace Hopper","email":"grace@example.com","phone":"+1 555 0100"},{"name":"Linus Torvalds","email":"linus@example.com","phone":"+1 555 0101"}])"},
  {"events",
   R"([{"key":"title","type":"string","required":true},{"key":"date","type":"string","required":true},{"key":"location","type":"string","required":false}])",
   R"([{"title":"Team lunch","date":"2025-06-12","location":"Cafeteria"},{"title":"Release party","date":"2025-07-01","location":"Roof terrace"}])"},
};

bool any_of_words(const std::string& key, std::initializer_list<std::string_view> words) {
  for (auto& tk : tokenise(key))
    for (auto w : words)
      if (tk.folded == w)
        return true;
  return false;
}

std::string field_type(const std::string& folded) {
  if (any_of_words(folded, {"year", "price", "age", "quantity", "count", "rating", "pages",
                            "stock", "amount", "cost", "score", "duration", "population",
                            "calories", "salary", "capacity", "size", "weight", "height",
                            "length", "number", "minutes", "servings", "annee", "prix",
                            "quantite", "note", "nombre", "total", "level"}))
    return "number";
  if (any_of_words(folded, {"done", "completed", "available", "active", "published", "read",
                            "paid", "favorite", "favourite", "visited", "watched", "enabled",
                            "fait", "termine", "disponible", "lu"}))
    return "boolean";
  return "string";
}

} // namespace

std::vector<std::string> crud_fields(const prompt_traits& t) {
  if (!t.fields.empty())
    return t.fields;
  auto resource = api_resource(t);
  for (auto& k : known)
    if (resource == k.name || (resource == "films" && std::string{k.name} == "movies")) {
      std::vector<std::string> keys;
      for (auto& field : nlohmann::json::parse(k.schema))
        keys.push_back(field["key"].get<std::string>());
      return keys;
    }
  return {"name", "description"};
}

std::vector<app_file> crud_api(const prompt_traits& t, const std::string& title) {
  auto resource = api_resource(t);
  nlohmann::json schema;
  nlohmann::json seed = nlohmann::json::array();
  const known_resource* match = nullptr;
  for (auto& k : known)
    if (resource == k.name || (resource == "films" && std::string{k.name} == "movies"))
      match = &k;
  if (!t.fields.empty()) {
    // The prompt's fields win; known seeds keep the values whose keys match.
    schema = nlohmann::json::array();
    std::set<std::string> keys;
    for (auto& f : t.fields) {
      auto key = slugify(f, 30);
      std::replace(key.begin(), key.end(), '-', '_');
      if (key.empty() || !keys.insert(key).second)
        continue;
      schema.push_back({{"key", key}, {"type", field_type(fold(f))}, {"required", schema.empty()}});
    }
    auto known_seed = match ? nlohmann::json::parse(match->seed) : nlohmann::json::array();
    for (int i = 0; i < 3; ++i) {
      nlohmann::json item = nlohmann::json::object();
      for (auto& field : schema) {
        std::string key = field["key"];
        if (i < static_cast<int>(known_seed.size()) && known_seed[i].contains(key))
          item[key] = known_seed[i][key];
        else if (field["type"] == "number")
          item[key] = (i + 1) * 10;
        else if (field["type"] == "boolean")
          item[key] = i == 0;
        else
          item[key] = "Sample " + key + " " + std::to_string(i + 1);
      }
      seed.push_back(item);
    }
  } else if (match) {
    schema = nlohmann::json::parse(match->schema);
    seed = nlohmann::json::parse(match->seed);
  } else {
    schema = nlohmann::json::parse(
      R"([{"key":"name","type":"string","required":true},{"key":"description","type":"string","required":false}])");
    auto singular = resource;
    if (singular.size() > 3 && singular.compare(singular.size() - 3, 3, "ies") == 0)
      singular = singular.substr(0, singular.size() - 3) + "y";
    else if (singular.size() > 1 && singular.back() == 's')
      singular.pop_back();
    std::replace(singular.begin(), singular.end(), '-', ' ');
    for (int i = 1; i <= 2; ++i)
      seed.push_back({{"name", capitalise(singular) + " " + std::to_string(i)},
                      {"description", "An example " + singular + " to show the shape of the data."}});
  }
  nlohmann::json config{{"title", title},
                        {"description", t.prompt},
                        {"resource", resource},
                        {"schema", schema},
                        {"seed", seed},
                        {"css", plain_css(t.accent.empty() ? "#0f766e" : t.accent)}};
  return {{"server.js", substitute(template_text("crud_api/server.js"), {{"CONFIG", js_value(config)}})}};
}

} // namespace spawn
