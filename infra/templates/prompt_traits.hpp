#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace spawn {

/// Colour scheme asked for by a prompt; `automatic` follows the browser.
enum class theme_kind { automatic, light, dark };

/// Where a derived title came from, strongest first.
enum class title_source {
  named,  ///< the prompt named the app (`called "Focus"`, `named Focus`)
  head,   ///< the noun phrase at the head of the prompt ("pomodoro timer")
  clause, ///< a clause after "that"/"to"/"for" ("track water intake")
  none,   ///< nothing usable: the template's default applies
};

/// A duration the prompt mentions ("25 minutes", "5 minute break").
struct duration_mention {
  int seconds = 0;
  std::string role; ///< "work", "break", "long_break" or "" when unclear
};

/// Everything the template generator reads from one prompt. Pure data: it is
/// produced by `analyse_prompt` and never touches the network or the disk.
struct prompt_traits {
  /// The prompt as valid single-line UTF-8 (see `sanitise_utf8`); still
  /// untrusted: escape it for every output context.
  std::string prompt;
  /// Lower-case, accent-folded words in order ("Tâches" -> "taches").
  std::vector<std::string> words;
  /// Title as the person would write it ("Pomodoro Timer"), or empty.
  std::string title;
  title_source title_from = title_source::none;
  theme_kind theme = theme_kind::automatic;
  /// Accent colour as "#rrggbb", or empty when the prompt names none.
  std::string accent;
  /// The colour word that chose `accent` ("purple", "rouge").
  std::string accent_name;
  std::vector<duration_mention> durations;
  /// Every whole number in the prompt, in order (durations included).
  std::vector<long long> numbers;
  /// What the app is about ("solar system" in "a quiz about the solar system").
  std::string topic;
  /// What the app handles ("books" in "an API for books").
  std::string subject;
  /// Items of a list the prompt gives ("name, email and age").
  std::vector<std::string> fields;
  /// True when the prompt reads as French rather than English.
  bool french = false;

  /// True if the folded word `w` occurs in the prompt.
  bool has(std::string_view w) const;
  /// True if any of `ws` occurs (each may be a phrase: "to do", "pie chart").
  bool has_any(std::initializer_list<std::string_view> ws) const;
  /// Index of the first word where the folded phrase `p` starts, or -1.
  int find(std::string_view p) const;
};

/// Reads title, theme, colour, durations, numbers, topic, subject and list
/// items out of `prompt`. Never fails: an empty prompt gives empty traits.
prompt_traits analyse_prompt(std::string_view prompt);

} // namespace spawn
