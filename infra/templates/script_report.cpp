// Script template "report_script": for any script prompt no computation
// template fits — says plainly that it is a generic starter, then prints an
// HTML report about the request (words, key terms
// chart, numbers and durations found), today's calendar facts and the
// runtime environment.

#include "infra/template_files.hpp"
#include "infra/templates/templates.hpp"
#include "core/text_escape.hpp"

namespace spawn {

std::vector<app_file> report_script(const prompt_traits& t, const std::string& title) {
  nlohmann::json durations = nlohmann::json::array();
  for (auto& d : t.durations)
    durations.push_back(d.seconds);
  nlohmann::json config{{"title", title},
                        {"prompt", t.prompt},
                        {"french", t.french},
                        {"topic", t.topic},
                        {"items", t.fields},
                        {"durations", durations},
                        {"colour", t.accent},
                        {"colourName", t.accent_name},
                        {"css", plain_css(t.accent.empty() ? "#7c3aed" : t.accent)}};
  return {{"main.js", substitute(template_text("report_script/main.js"), {{"CONFIG", js_value(config)}})}};
}

} // namespace spawn
