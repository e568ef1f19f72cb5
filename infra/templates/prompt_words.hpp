#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "infra/templates/prompt_traits.hpp"

namespace spawn {

/// One token of a sanitised prompt: a word (letters, digits, inner hyphens)
/// or a single punctuation mark. Apostrophes separate words ("l'app").
struct prompt_token {
  std::string text;   ///< as written
  std::string folded; ///< lower-case, accents folded (see `fold`)
  std::size_t pos = 0; ///< byte offset of `text` in the prompt
  bool word = false;
  bool number = false; ///< a word made only of digits
};

/// Splits a sanitised prompt into tokens; digits followed by letters split
/// ("25min" -> "25", "min").
std::vector<prompt_token> tokenise(std::string_view prompt);

/// Words that end a noun phrase: prepositions, conjunctions, relatives.
bool is_stop_word(std::string_view folded);

/// Articles, possessives and quantifiers skipped at the start of a phrase.
bool is_article(std::string_view folded);

/// Articles, and verbs that only say what an app does with its subject
/// ("for managing books"), skipped before a subject.
bool is_skippable_lead(std::string_view folded);

/// Request verbs and politeness that open a prompt ("make me", "je veux").
bool is_filler(std::string_view folded);

/// Adjectives of style and size that say nothing about the app's purpose
/// ("simple", "dark", "moderne"), colour words included.
bool is_descriptor(std::string_view folded);

/// Nouns that only say "an app" ("app", "website", "outil").
bool is_generic_noun(std::string_view folded);

/// Hex colour ("#rrggbb") for a colour word in English or French, or "".
std::string colour_hex(std::string_view folded);

/// The title-case spelling of `word`: acronyms upper-cased, small linking
/// words lower-cased unless `first`, words with capitals kept as written.
std::string title_word(const std::string& word, const std::string& folded, bool first);

/// Sets `t.title` and `t.title_from` from the tokens of `t.prompt`: a name the
/// prompt gives, else its head noun phrase, else a clause after "that", "to",
/// "for" (see prompt_title.cpp).
void read_title(const std::vector<prompt_token>& ts, prompt_traits& t);

} // namespace spawn
