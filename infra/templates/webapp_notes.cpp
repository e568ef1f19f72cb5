// Webapp template "notes": a notes app / journal with search, pinning,
// autosave, word count and export, kept in localStorage.

#include "infra/template_files.hpp"
#include "infra/templates/templates.hpp"

namespace spawn {

std::vector<app_file> notes_webapp(const prompt_traits& t, const std::string& title) {
  page_parts p;
  p.title = title;
  p.default_accent = "#d97706";
  p.css = template_text("notes/app.css");
  p.body = template_text("notes/body.html");
  p.js = template_text("notes/app.js");
  bool dated = t.has_any({"journal", "diary", "journal intime", "daily", "log", "carnet"});
  p.subtitle = dated ? "One entry a day, written and saved right here in your browser."
                     : "Write things down. Everything saves as you type, in this browser.";
  std::string welcome = "Welcome to " + title;
  std::string body =
    "This is your first note. Edit it, or press \xe2\x80\x9c+ New\xe2\x80\x9d to start another.\n\n"
    "\xe2\x80\xa2 Notes save automatically as you type (Ctrl+S works too).\n"
    "\xe2\x80\xa2 Pin the important ones to keep them on top.\n"
    "\xe2\x80\xa2 Search looks through titles and text.\n"
    "\xe2\x80\xa2 Export downloads a note as a Markdown file.";
  p.config = {{"storageKey", "notes"},
              {"dated", dated},
              {"welcomeTitle", welcome},
              {"welcomeBody", body}};
  return {{"index.html", render_page(t, p)}};
}

} // namespace spawn
