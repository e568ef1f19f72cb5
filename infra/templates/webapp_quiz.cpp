// Webapp template "quiz": multiple-choice questions on the prompt's topic
// (built-in banks, generated arithmetic, or your own questions), with
// feedback, explanations, a score, a review and a best score.

#include "infra/template_files.hpp"
#include "infra/templates/templates.hpp"

namespace spawn {

std::vector<app_file> quiz_webapp(const prompt_traits& t, const std::string& title) {
  page_parts p;
  p.title = title;
  p.default_accent = "#7c3aed";
  p.css = template_text("quiz/app.css");
  p.body = template_text("quiz/body.html");
  p.js = template_text("quiz/app.js");
  auto bank = quiz_bank_for(t);
  static const std::map<std::string, std::string> labels{
    {"", "General knowledge"},  {"space", "Space"},       {"geography", "Geography"},
    {"history", "History"},     {"science", "Science"},   {"programming", "Programming"},
    {"animals", "Animals"},     {"math", "Mental arithmetic"}};
  std::string note;
  if (bank.empty() && !t.topic.empty()) {
    auto topic = t.topic;
    note = "There are no built-in questions about \xe2\x80\x9c" + topic
           + "\xe2\x80\x9d yet, so here is general knowledge. Add your own questions about it below: "
             "they are saved in this browser and mixed in.";
  }
  long long length = 10;
  for (auto n : t.numbers)
    if (n >= 3 && n <= 30) {
      length = n;
      break;
    }
  p.subtitle = "Pick an answer, learn why, and try to beat your best score.";
  p.config = {{"storageKey", "quiz-" + (bank.empty() ? std::string{"general"} : bank)},
              {"bank", bank},
              {"topicLabel", labels.at(bank)},
              {"note", note},
              {"length", length},
              {"questions", quiz_questions(bank)}};
  return {{"index.html", render_page(t, p)}};
}

} // namespace spawn
