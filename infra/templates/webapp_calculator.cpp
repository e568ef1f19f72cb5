// Webapp template "calculator": a keypad calculator with a safe expression
// parser (no eval), live preview, keyboard input and history; plus a tip,
// BMI or loan panel when the prompt asks for one.

#include "infra/template_files.hpp"
#include "infra/templates/templates.hpp"

namespace spawn {

std::vector<app_file> calculator_webapp(const prompt_traits& t, const std::string& title) {
  page_parts p;
  p.title = title;
  p.default_accent = "#ea580c";
  p.css = template_text("calculator/app.css");
  p.body = template_text("calculator/body.html");
  p.js = template_text("calculator/app.js");
  std::string extra;
  if (t.has_any({"tip", "tips", "pourboire", "bill", "split"}))
    extra = "tip";
  else if (t.has_any({"bmi", "imc", "body mass"}))
    extra = "bmi";
  else if (t.has_any({"loan", "mortgage", "pret", "emprunt", "credit", "interest"}))
    extra = "loan";
  p.subtitle = extra == "tip"    ? "Split the bill and work out the tip, or use the keypad."
               : extra == "bmi"  ? "Work out a body mass index, or use the keypad."
               : extra == "loan" ? "Estimate loan repayments, or use the keypad."
                                 : "Type or click. Parentheses and percentages work; history is kept.";
  p.config = {{"storageKey", "calculator"}, {"extra", extra}};
  return {{"index.html", render_page(t, p)}};
}

} // namespace spawn
