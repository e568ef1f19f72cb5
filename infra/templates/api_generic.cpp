// Api template "generic_api": a Node.js JSON service for prompts that name
// no resource — health, time, echo, random numbers, UUIDs and a small
// key-value store, described by the prompt on its index page.

#include "infra/template_files.hpp"
#include "infra/templates/templates.hpp"
#include "core/text_escape.hpp"

namespace spawn {

std::vector<app_file> generic_api(const prompt_traits& t, const std::string& title) {
  nlohmann::json config{{"title", title},
                        {"description", t.prompt},
                        {"css", plain_css(t.accent.empty() ? "#0f766e" : t.accent)}};
  // "the time in Tokyo": /time answers in that city's zone unless ?tz= says otherwise.
  if (t.find("time") >= 0 || t.find("heure") >= 0 || t.find("clock") >= 0) {
    auto cities = template_params("world_clock", t)["cities"];
    for (auto& c : cities)
      if (t.find(fold(c["name"].get<std::string>())) >= 0) {
        config["zone"] = c["value"];
        config["zoneName"] = c["name"];
        break;
      }
  }
  return {{"server.js", substitute(template_text("generic_api/server.js"), {{"CONFIG", js_value(config)}})}};
}

} // namespace spawn
