// Webapp template "timer": a pomodoro timer (focus / short break / long
// break cycle), a plain countdown with presets, or a stopwatch with laps.

#include <algorithm>

#include "infra/template_files.hpp"
#include "infra/templates/templates.hpp"

namespace spawn {

namespace {

int minutes_of(const prompt_traits& t, const std::string& role, int fallback) {
  for (auto& d : t.durations)
    if (d.role == role)
      return std::max(1, d.seconds / 60);
  return fallback;
}

} // namespace

std::vector<app_file> timer_webapp(const prompt_traits& t, const std::string& title) {
  page_parts p;
  p.title = title;
  p.default_accent = "#e11d48";
  p.css = template_text("timer/app.css");
  p.body = template_text("timer/body.html");
  p.js = template_text("timer/app.js");
  bool pomodoro = t.has_any({"pomodoro", "break", "breaks", "pause", "pauses", "focus", "work",
                             "study", "travail", "concentration", "tomato"});
  bool stopwatch = t.has_any({"stopwatch", "chronometre", "chrono", "lap", "laps", "tours"})
                   && !t.has_any({"countdown", "compte a rebours", "pomodoro"});
  for (auto& d : t.durations)
    pomodoro = pomodoro || d.role == "break" || d.role == "long_break";
  nlohmann::json modes = nlohmann::json::array();
  nlohmann::json presets = nlohmann::json::array();
  std::string kind;
  if (stopwatch) {
    kind = "stopwatch";
    modes.push_back({{"id", "watch"}, {"label", "Running"}, {"seconds", 0}});
    p.subtitle = "Start, lap, stop. Precise to a tenth of a second.";
  } else if (pomodoro) {
    kind = "pomodoro";
    // The first duration without a role is the focus length ("25 minutes").
    int work = minutes_of(t, "work", minutes_of(t, "", 25));
    int brk = minutes_of(t, "break", 5);
    int lng = minutes_of(t, "long_break", 15);
    modes.push_back({{"id", "work"}, {"label", "Focus"}, {"seconds", work * 60}});
    modes.push_back({{"id", "short"}, {"label", "Short break"}, {"seconds", brk * 60}});
    modes.push_back({{"id", "long"}, {"label", "Long break"}, {"seconds", lng * 60}});
    p.subtitle = std::to_string(work) + " minutes of focus, " + std::to_string(brk)
                 + "-minute breaks, a " + std::to_string(lng) + "-minute break every fourth round.";
  } else {
    kind = "countdown";
    int secs = t.durations.empty() ? 300 : t.durations.front().seconds;
    modes.push_back({{"id", "count"}, {"label", "Time left"}, {"seconds", std::max(1, secs)}});
    presets = {1, 5, 10, 15, 30, 60};
    p.subtitle = "Pick a length, press Start, and hear a chime when time is up.";
  }
  p.config = {{"storageKey", "timer-" + kind},
              {"kind", kind},
              {"modes", modes},
              {"presets", presets}};
  return {{"index.html", render_page(t, p)}};
}

} // namespace spawn
