// The offline generator's follow-up edits (issue 15, infra/template_edits.hpp):
// each documented edit, edits that accumulate over turns, and instructions it
// cannot do, which it says instead of making a version that ignores them.

#include "infra/template_edits.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "infra/template_generator.hpp"

using namespace spawn;

namespace {

generated_app first(const std::string& prompt, app_type type = app_type::webapp) {
  template_generator gen;
  generation_request req;
  req.prompt = prompt;
  req.type = type;
  auto app = gen.generate(req);
  EXPECT_TRUE(app) << message_of(app.error());
  app->backend = "template";
  return *app;
}

/// The next version, as a turn asks the template generator for it.
caf::expected<generated_app> turn(const std::string& prompt, const generated_app& base,
                                  const std::string& instruction,
                                  app_type type = app_type::webapp) {
  template_generator gen;
  generation_request req;
  req.prompt = prompt;
  req.type = type;
  req.instruction = instruction;
  req.base = base;
  return gen.generate(req);
}

const std::string& file(const generated_app& app, const std::string& path) {
  for (auto& f : app.files)
    if (f.path == path)
      return f.content;
  static const std::string none;
  ADD_FAILURE() << "no file " << path;
  return none;
}

bool has(const generated_app& app, const std::string& path, const std::string& text) {
  return file(app, path).find(text) != std::string::npos;
}

} // namespace

TEST(template_edits_test, the_title_changes) {
  auto v1 = first("a pomodoro timer");
  auto v2 = turn("a pomodoro timer", v1, "call it \"Focus Buddy\"");
  ASSERT_TRUE(v2) << message_of(v2.error());
  EXPECT_TRUE(has(*v2, "index.html", "<title>Focus Buddy</title>"));
  EXPECT_EQ(v2->title, "Focus Buddy");
  EXPECT_NE(v2->summary.find("title"), std::string::npos) << v2->summary;
  auto v3 = turn("a pomodoro timer", v1, "rename it to Deep Work");
  ASSERT_TRUE(v3) << message_of(v3.error());
  EXPECT_EQ(v3->title, "Deep Work");
}

TEST(template_edits_test, dark_and_light_themes) {
  auto v1 = first("a todo list");
  auto dark = turn("a todo list", v1, "make it dark");
  ASSERT_TRUE(dark) << message_of(dark.error());
  EXPECT_TRUE(has(*dark, "index.html", "var theme = \"dark\""));
  auto light = turn("a todo list", *dark, "switch to a light theme");
  ASSERT_TRUE(light) << message_of(light.error());
  EXPECT_TRUE(has(*light, "index.html", "var theme = \"light\""));
  auto again = turn("a todo list", *light, "use the light theme");
  ASSERT_FALSE(again);
  EXPECT_EQ(code_of(again.error()), errc::invalid_input);
  EXPECT_NE(message_of(again.error()).find("already light"), std::string::npos);
}

TEST(template_edits_test, accent_colours) {
  auto v1 = first("a counter");
  auto purple = turn("a counter", v1, "make the accent purple");
  ASSERT_TRUE(purple) << message_of(purple.error());
  EXPECT_NE(file(*purple, "index.html"), file(v1, "index.html"));
  EXPECT_NE(purple->summary.find("accent"), std::string::npos);
  auto hex = turn("a counter", *purple, "accent #0ea5e9 please");
  ASSERT_TRUE(hex) << message_of(hex.error());
  EXPECT_NE(hex->summary.find("#0ea5e9"), std::string::npos) << hex->summary;
}

TEST(template_edits_test, font_size_bigger_smaller_and_exact) {
  auto v1 = first("a notes app");
  auto bigger = turn("a notes app", v1, "make the text bigger");
  ASSERT_TRUE(bigger) << message_of(bigger.error());
  EXPECT_TRUE(has(*bigger, "index.html", "html{font-size:115%}"));
  auto more = turn("a notes app", *bigger, "bigger font please");
  ASSERT_TRUE(more);
  EXPECT_TRUE(has(*more, "index.html", "html{font-size:130%}"));
  auto exact = turn("a notes app", *more, "font size 90%");
  ASSERT_TRUE(exact);
  EXPECT_TRUE(has(*exact, "index.html", "html{font-size:90%}"));
  EXPECT_FALSE(has(*exact, "index.html", "html{font-size:130%}"));
}

TEST(template_edits_test, english_and_french_ui) {
  auto v1 = first("a todo list");
  auto fr = turn("a todo list", v1, "put the interface in French");
  ASSERT_TRUE(fr) << message_of(fr.error());
  EXPECT_TRUE(has(*fr, "index.html", "<html lang=\"fr\""));
  auto en = turn("a todo list", *fr, "back to English");
  ASSERT_TRUE(en) << message_of(en.error());
  EXPECT_TRUE(has(*en, "index.html", "<html lang=\"en\""));
}

TEST(template_edits_test, form_fields_added_and_removed) {
  auto v1 = first("a contact form");
  ASSERT_EQ(v1.template_name, "form");
  auto v2 = turn("a contact form", v1, "add a phone number field");
  ASSERT_TRUE(v2) << message_of(v2.error());
  EXPECT_TRUE(has(*v2, "index.html", "Phone number"));
  auto v3 = turn("a contact form", *v2, "remove the subject field");
  ASSERT_TRUE(v3) << message_of(v3.error());
  EXPECT_FALSE(has(*v3, "index.html", "\"Subject\""));
  EXPECT_TRUE(has(*v3, "index.html", "Phone number")); // the earlier edit stays
  auto missing = turn("a contact form", *v3, "remove the shoe size field");
  ASSERT_FALSE(missing);
  EXPECT_NE(message_of(missing.error()).find("no field"), std::string::npos);
}

TEST(template_edits_test, crud_resource_fields) {
  auto v1 = first("an API for books", app_type::api);
  ASSERT_EQ(v1.template_name, "crud_api");
  auto v2 = turn("an API for books", v1, "add an isbn field", app_type::api);
  ASSERT_TRUE(v2) << message_of(v2.error());
  EXPECT_TRUE(has(*v2, "server.js", "isbn"));
  EXPECT_FALSE(has(v1, "server.js", "isbn"));
}

TEST(template_edits_test, durations_and_limits) {
  auto v1 = first("a pomodoro timer");
  auto v2 = turn("a pomodoro timer", v1, "make the breaks 10 minutes");
  ASSERT_TRUE(v2) << message_of(v2.error());
  EXPECT_TRUE(has(*v2, "index.html", "\"seconds\":600"));
  auto quiz = first("a quiz about space");
  auto longer = turn("a quiz about space", quiz, "make it 12 questions");
  ASSERT_TRUE(longer) << message_of(longer.error());
  EXPECT_TRUE(has(*longer, "index.html", "\"length\":12"));
  auto counter = first("a water counter");
  auto goal = turn("a water counter", counter, "set a goal of 8");
  ASSERT_TRUE(goal) << message_of(goal.error());
  EXPECT_TRUE(has(*goal, "index.html", "\"goal\":8"));
}

TEST(template_edits_test, edits_accumulate_and_travel_with_the_version) {
  auto v1 = first("a pomodoro timer");
  auto v2 = turn("a pomodoro timer", v1, "make it dark");
  ASSERT_TRUE(v2);
  auto v3 = turn("a pomodoro timer", *v2, "call it \"Flow\"");
  ASSERT_TRUE(v3);
  EXPECT_TRUE(has(*v3, "index.html", "var theme = \"dark\""));
  EXPECT_EQ(v3->title, "Flow");
  auto edits = nlohmann::json::parse(v3->edits);
  EXPECT_EQ(edits["theme"], "dark");
  EXPECT_EQ(edits["title"], "Flow");
  // A turn on an older version starts from that version's edits.
  auto from_v2 = turn("a pomodoro timer", *v2, "make it light");
  ASSERT_TRUE(from_v2);
  EXPECT_EQ(nlohmann::json::parse(from_v2->edits).count("title"), 0u);
}

TEST(template_edits_test, what_it_cannot_do_it_says) {
  auto v1 = first("a todo list");
  auto no = turn("a todo list", v1, "add OAuth login with Google and a Stripe checkout");
  ASSERT_FALSE(no);
  EXPECT_EQ(code_of(no.error()), errc::invalid_input);
  EXPECT_NE(message_of(no.error()).find("cannot do"), std::string::npos);
  EXPECT_NE(message_of(no.error()).find("title"), std::string::npos); // says what it can do
  // A part that does not apply is named, the rest is done.
  auto partly = turn("a todo list", v1, "make it dark with breaks of 10 minutes");
  ASSERT_TRUE(partly) << message_of(partly.error());
  EXPECT_NE(partly->summary.find("Not done"), std::string::npos) << partly->summary;
  auto fields = turn("a todo list", v1, "add a phone field");
  ASSERT_FALSE(fields);
  EXPECT_NE(message_of(fields.error()).find("no form or resource fields"), std::string::npos);
}

TEST(template_edits_test, parse_reads_each_kind) {
  EXPECT_EQ(parse_instruction("make it dark").theme, theme_kind::dark);
  EXPECT_EQ(*parse_instruction("call it \"Focus\"").title, "Focus");
  EXPECT_EQ(*parse_instruction("appelle-la \xc2\xab Minuteur \xc2\xbb").title, "Minuteur");
  EXPECT_TRUE(*parse_instruction("en français s'il te plaît").french);
  EXPECT_EQ(parse_instruction("smaller text").font_step, -1);
  EXPECT_EQ(*parse_instruction("font size 18px").font_percent, 112);
  EXPECT_EQ(parse_instruction("add fields phone and company").add_fields,
            (std::vector<std::string>{"Phone", "Company"}));
  EXPECT_EQ(parse_instruction("remove the message field").remove_fields,
            (std::vector<std::string>{"Message"}));
  EXPECT_EQ(*parse_instruction("limit it to 5 questions").limit, 5);
  EXPECT_TRUE(parse_instruction("deploy it to Kubernetes").empty());
}
