#include "infra/template_generator.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <string>
#include <tuple>
#include <vector>

#include "core/error.hpp"
#include "infra/template_files.hpp"
#include "infra/templates/prompt_traits.hpp"
#include "infra/templates/templates.hpp"
#include "core/text_escape.hpp"

using namespace spawn;

namespace {

generated_app generate_ok(const std::string& prompt, app_type type = app_type::webapp) {
  template_generator gen;
  auto app = gen.generate({prompt, type});
  EXPECT_TRUE(app) << prompt << ": " << (app ? "" : message_of(app.error()));
  return app ? *app : generated_app{};
}

std::string choose(const std::string& prompt, app_type type = app_type::webapp) {
  return choose_template(type, analyse_prompt(prompt));
}

std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size()))
    ++n;
  return n;
}

bool safe_relative(const std::string& path) {
  if (path.empty() || path[0] == '/' || path.find('\\') != std::string::npos)
    return false;
  std::size_t start = 0;
  for (;;) {
    auto end = path.find('/', start);
    auto seg = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (seg.empty() || seg == "." || seg == "..")
      return false;
    if (end == std::string::npos)
      return true;
    start = end + 1;
  }
}

} // namespace

TEST(template_generator_test, is_named_template) {
  EXPECT_EQ(template_generator{}.name(), "template");
}

TEST(template_generator_test_choice, picks_the_template_a_person_means) {
  const std::vector<std::tuple<app_type, std::string, std::string>> cases{
    {app_type::webapp, "a pomodoro timer with a dark theme", "timer"},
    {app_type::webapp, "a 10 minute countdown", "timer"},
    {app_type::webapp, "un minuteur pour mes pâtes", "timer"},
    {app_type::webapp, "a stopwatch with laps", "timer"},
    {app_type::webapp, "a todo list", "todo"},
    {app_type::webapp, "I'd like a to do list with a purple accent", "todo"},
    {app_type::webapp, "une liste de tâches en bleu", "todo"},
    {app_type::webapp, "a grocery shopping list", "todo"},
    {app_type::webapp, "a notes app", "notes"},
    {app_type::webapp, "un bloc-notes simple", "notes"},
    {app_type::webapp, "a daily journal", "notes"},
    {app_type::webapp, "a tally counter for push-ups", "counter"},
    {app_type::webapp, "un compteur de verres d'eau", "counter"},
    {app_type::webapp, "a calculator", "calculator"},
    {app_type::webapp, "crée-moi une calculatrice", "calculator"},
    {app_type::webapp, "a tip calculator in green", "calculator"},
    {app_type::webapp, "a quiz about the solar system", "quiz"},
    {app_type::webapp, "a math quiz for kids", "quiz"},
    {app_type::webapp, "un quiz sur l'espace", "quiz"},
    {app_type::webapp, "a signup form asking for name, email and age", "form"},
    {app_type::webapp, "un formulaire de contact", "form"},
    {app_type::webapp, "an RSVP page for my wedding", "form"},
    {app_type::webapp, "a dashboard of my expenses", "chart"},
    {app_type::webapp, "a pie chart of my budget", "chart"},
    {app_type::webapp, "un graphique de mes dépenses", "chart"},
    {app_type::webapp, "a dashboard to count my tasks", "chart"},
    {app_type::webapp, "a page about my cat Felix", "generic"},
    {app_type::webapp, "something nice", "generic"},
    {app_type::api, "an API for books", "crud_api"},
    {app_type::api, "a REST API to manage a library of books", "crud_api"},
    {app_type::api, "une API pour gérer des livres", "crud_api"},
    {app_type::api, "a hello world API", "generic_api"},
    {app_type::api, "an API that tells the time", "generic_api"},
    {app_type::script, "print the first 20 fibonacci numbers", "fibonacci_script"},
    {app_type::script, "les nombres premiers jusqu'à 1000", "primes_script"},
    {app_type::script, "a multiplication table of 7", "table_script"},
    {app_type::script, "factorials up to 25", "factorial_script"},
    {app_type::script, "a report about the weather in Paris", "report_script"},
    {app_type::site, "a site for my bakery", "site"},
  };
  for (auto& [type, prompt, expected] : cases)
    EXPECT_EQ(choose(prompt, type), expected) << prompt;
}

TEST(template_generator_test_analysis, derives_titles) {
  EXPECT_EQ(analyse_prompt("a pomodoro timer with a dark theme").title, "Pomodoro Timer");
  EXPECT_EQ(analyse_prompt("Make me a simple todo list app please").title, "Todo List");
  EXPECT_EQ(analyse_prompt("un minuteur pomodoro avec un thème sombre").title, "Minuteur Pomodoro");
  EXPECT_EQ(analyse_prompt("a black and gold dashboard").title, "Dashboard");
  EXPECT_EQ(analyse_prompt("an app to track my water intake").title, "Water Intake");
  EXPECT_EQ(analyse_prompt("crée-moi une calculatrice").title, "Calculatrice");
  // A name the prompt gives wins, quoted or not.
  auto named = analyse_prompt(R"(a focus timer called "Deep Focus" in red)");
  EXPECT_EQ(named.title, "Deep Focus");
  EXPECT_EQ(named.title_from, title_source::named);
  EXPECT_EQ(analyse_prompt("a timer named Focus with 50 minute sessions").title, "Focus");
  EXPECT_EQ(analyse_prompt("a notes app called 'Brain Dump'").title, "Brain Dump");
  EXPECT_EQ(analyse_prompt("une liste de courses nommée «Samedi»").title, "Samedi");
  EXPECT_EQ(analyse_prompt("</script><script>alert(1)</script>").title_from, title_source::none);
}

TEST(template_generator_test_analysis, titles_fit_the_template) {
  EXPECT_EQ(generate_ok("a quiz about the solar system").title, "Solar System Quiz");
  EXPECT_EQ(generate_ok("an API for books", app_type::api).title, "Books API");
  EXPECT_EQ(generate_ok("a multiplication table of 7", app_type::script).title,
            "Multiplication Table of 7");
  EXPECT_EQ(generate_ok("write a script that prints the first 20 fibonacci numbers",
                        app_type::script).title, "Fibonacci Numbers");
  EXPECT_EQ(generate_ok("</script>").title, "My App");
}

TEST(template_generator_test_analysis, reads_theme_and_colours) {
  EXPECT_EQ(analyse_prompt("a timer with a dark theme").theme, theme_kind::dark);
  EXPECT_EQ(analyse_prompt("a timer in light mode").theme, theme_kind::light);
  EXPECT_EQ(analyse_prompt("un minuteur sombre").theme, theme_kind::dark);
  EXPECT_EQ(analyse_prompt("a timer").theme, theme_kind::automatic);
  auto purple = analyse_prompt("a todo list with a purple accent");
  EXPECT_EQ(purple.accent, "#7c3aed");
  EXPECT_EQ(purple.accent_name, "purple");
  EXPECT_EQ(analyse_prompt("une calculatrice rouge").accent, "#dc2626");
  // "dark red" and "bleu clair" are shades, not themes.
  auto dark_red = analyse_prompt("a counter in dark red");
  EXPECT_EQ(dark_red.theme, theme_kind::automatic);
  EXPECT_NE(dark_red.accent, "#dc2626");
  auto light_blue = analyse_prompt("une liste en bleu clair");
  EXPECT_EQ(light_blue.theme, theme_kind::automatic);
  EXPECT_FALSE(light_blue.accent.empty());
  auto gold = analyse_prompt("a black and gold dashboard");
  EXPECT_EQ(gold.theme, theme_kind::dark);
  EXPECT_EQ(gold.accent, "#d4a017");
  // The accent reaches the page, the theme too.
  auto page = generate_ok("a todo list in teal with a dark theme").files.at(0).content;
  EXPECT_NE(page.find("data-theme=\"dark\""), std::string::npos);
  EXPECT_NE(page.find("#0d9488"), std::string::npos);
}

TEST(template_generator_test_analysis, reads_durations_topics_fields_resources) {
  auto t = analyse_prompt("a timer with 50 minute sessions, 10 minute breaks and a 30 min long break");
  ASSERT_EQ(t.durations.size(), 3u);
  EXPECT_EQ(t.durations[0].seconds, 3000);
  EXPECT_EQ(t.durations[0].role, "work");
  EXPECT_EQ(t.durations[1].role, "break");
  EXPECT_EQ(t.durations[2].role, "long_break");
  auto timer = generate_ok("a pomodoro timer: 50 minutes of work and 10 minute breaks");
  EXPECT_NE(timer.files[0].content.find("\"seconds\":3000"), std::string::npos);
  EXPECT_NE(timer.files[0].content.find("\"seconds\":600"), std::string::npos);
  EXPECT_EQ(analyse_prompt("a quiz about the solar system").topic, "solar system");
  EXPECT_EQ(analyse_prompt("un quiz sur l'espace").topic, "espace");
  auto form = analyse_prompt("a form with name, email, age and comments and a dark theme");
  EXPECT_EQ(form.fields, (std::vector<std::string>{"name", "email", "age", "comments"}));
  auto page = generate_ok("a form with name, email, age and comments").files[0].content;
  EXPECT_NE(page.find("\"type\":\"email\""), std::string::npos);
  EXPECT_NE(page.find("\"type\":\"number\""), std::string::npos);
  EXPECT_NE(page.find("\"type\":\"textarea\""), std::string::npos);
  EXPECT_EQ(api_resource(analyse_prompt("an API for books")), "books");
  EXPECT_EQ(api_resource(analyse_prompt("a REST API to manage a library of books")), "books");
  EXPECT_EQ(api_resource(analyse_prompt("an API to store my recipe")), "recipes");
  EXPECT_EQ(api_resource(analyse_prompt("une API pour gérer des livres")), "livres");
  EXPECT_EQ(api_resource(analyse_prompt("a movie REST API")), "movies");
  EXPECT_EQ(api_resource(analyse_prompt("a REST API")), "items");
  auto api = generate_ok("an API for books with title, author and year", app_type::api);
  EXPECT_NE(api.files[0].content.find("\"resource\":\"books\""), std::string::npos);
  EXPECT_NE(api.files[0].content.find("{\"key\":\"year\",\"required\":false,\"type\":\"number\"}"),
            std::string::npos);
}

TEST(template_generator_test_output, every_app_is_complete_and_safe) {
  const std::vector<std::pair<app_type, std::string>> prompts{
    {app_type::webapp, "a todo list"},          {app_type::webapp, "a notes app"},
    {app_type::webapp, "a pomodoro timer"},     {app_type::webapp, "a stopwatch"},
    {app_type::webapp, "a 10 minute countdown"}, {app_type::webapp, "a counter"},
    {app_type::webapp, "a BMI calculator"},     {app_type::webapp, "a history quiz"},
    {app_type::webapp, "a contact form"},       {app_type::webapp, "a sales chart"},
    {app_type::webapp, "my cat's birthday"},    {app_type::api, "an API for movies"},
    {app_type::api, "a ping API"},              {app_type::script, "primes below 100"},
    {app_type::script, "the 9 times table"},    {app_type::script, "summarise this"},
    {app_type::site, "a website for my yoga studio"}};
  for (auto& [type, prompt] : prompts) {
    auto app = generate_ok(prompt, type);
    SCOPED_TRACE(prompt);
    EXPECT_FALSE(app.title.empty());
    EXPECT_FALSE(app.template_name.empty());
    ASSERT_FALSE(app.files.empty());
    bool has_entry = false;
    for (auto& f : app.files) {
      EXPECT_TRUE(safe_relative(f.path)) << f.path;
      EXPECT_FALSE(f.content.empty()) << f.path;
      EXPECT_EQ(f.content.find("{{"), std::string::npos) << "placeholder left in " << f.path;
      has_entry = has_entry || f.path == app.entry;
    }
    EXPECT_TRUE(has_entry) << app.entry;
    switch (type) {
      case app_type::webapp:
        EXPECT_EQ(app.entry, "index.html");
        EXPECT_TRUE(app.run.empty());
        EXPECT_EQ(app.files[0].content.rfind("<!doctype html>", 0), 0u);
        EXPECT_NE(app.files[0].content.find("<title>" + html_escape(app.title) + "</title>"),
                  std::string::npos);
        break;
      case app_type::api:
        EXPECT_EQ(app.entry, "server.js");
        EXPECT_EQ(app.run, (std::vector<std::string>{"node", "server.js"}));
        EXPECT_NE(app.files[0].content.find("process.env.PORT"), std::string::npos);
        break;
      case app_type::site:
        EXPECT_EQ(app.entry, "index.html");
        EXPECT_TRUE(app.run.empty());
        break;
      default:
        EXPECT_EQ(app.entry, "main.js");
        EXPECT_EQ(app.run, (std::vector<std::string>{"node", "main.js"}));
    }
  }
}

TEST(template_generator_test_output, hostile_prompts_inject_nothing) {
  const std::vector<std::string> hostile{
    "a todo list </script><script>alert(1)</script>",
    "a notes app called \"</title><script>alert(1)</script>\"",
    "a form with <img src=x onerror=alert(1)>, email and \"quotes\"",
    "a quiz about </script><svg onload=alert(1)>",
    "a counter for '); alert(1); ('",
    "a chart \u2028\u2029 ${alert(1)} `backticks` in red",
    "a timer \xff\xfe invalid utf-8 \xc3"};
  for (auto type : {app_type::webapp, app_type::api, app_type::script, app_type::site}) {
    for (auto& prompt : hostile) {
      SCOPED_TRACE(prompt);
      auto app = generate_ok(prompt, type);
      for (auto& f : app.files) {
        EXPECT_EQ(f.content.find("<script>alert"), std::string::npos);
        EXPECT_EQ(f.content.find("<img src=x"), std::string::npos);
        EXPECT_EQ(f.content.find("<svg onload"), std::string::npos);
        EXPECT_EQ(f.content.find("</title><script>"), std::string::npos);
        EXPECT_EQ(f.content.find("\u2028"), std::string::npos);
        if (type == app_type::webapp) {
          // The shell has exactly two script elements: theme and app.
          EXPECT_EQ(count_of(f.content, "<script"), 2u);
          EXPECT_EQ(count_of(f.content, "</script>"), 2u);
        }
        if (type == app_type::site && f.path.size() > 5
            && f.path.compare(f.path.size() - 5, 5, ".html") == 0) {
          EXPECT_EQ(count_of(f.content, "<script"), 1u) << f.path;
        }
      }
    }
  }
}

TEST(template_generator_test_output, is_deterministic) {
  auto a = generate_ok("a quiz about animals in orange");
  auto b = generate_ok("a quiz about animals in orange");
  ASSERT_EQ(a.files.size(), b.files.size());
  EXPECT_EQ(a.files[0].content, b.files[0].content);
}

TEST(template_generator_test_errors, empty_prompts_are_refused) {
  template_generator gen;
  for (auto prompt : {"", "   ", "\t\n", "\x01\x02"}) {
    auto app = gen.generate({prompt, app_type::webapp});
    ASSERT_FALSE(app) << "prompt of " << std::string{prompt}.size() << " bytes";
    EXPECT_EQ(code_of(app.error()), errc::invalid_input);
  }
  // A huge prompt still works and is cut.
  auto big = gen.generate({std::string(20000, 'x') + " timer", app_type::webapp});
  ASSERT_TRUE(big);
  EXPECT_LT(big->files[0].content.size(), 200000u);
}

TEST(template_generator_test_site, is_a_static_multi_page_website) {
  auto app = generate_ok(R"(a website for my bakery in Lyon called "Le Petit Four" in orange)",
                         app_type::site);
  EXPECT_EQ(app.template_name, "site");
  EXPECT_EQ(app.title, "Le Petit Four");
  EXPECT_EQ(app.entry, "index.html");
  EXPECT_TRUE(app.run.empty());
  std::vector<std::string> paths;
  for (auto& f : app.files)
    paths.push_back(f.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"index.html", "services.html", "about.html",
                                             "contact.html", "style.css", "site.js"}));
  auto& home = app.files[0].content;
  EXPECT_NE(home.find("<h1>Le Petit Four</h1>"), std::string::npos);
  EXPECT_NE(home.find("Bakery in Lyon"), std::string::npos);
  EXPECT_NE(home.find("Fresh bread"), std::string::npos);
  for (auto& page : {"services.html", "about.html", "contact.html"})
    EXPECT_NE(home.find(std::string{"href=\""} + page + "\""), std::string::npos) << page;
  EXPECT_NE(app.files[2].content.find("aria-current=\"page\">About"), std::string::npos);
  // Unknown businesses still get a sensible site.
  auto plain = generate_ok("a site for my company", app_type::site);
  EXPECT_EQ(plain.files.size(), 6u);
  EXPECT_NE(plain.files[1].content.find("Consultation"), std::string::npos);
}

TEST(template_generator_test_escape, escapes_for_each_context) {
  EXPECT_EQ(html_escape(R"(<a href="x">'&'</a>)"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(js_value("</script>&"), R"("\u003c/script\u003e\u0026")");
  EXPECT_EQ(js_value("\u2028"), R"("\u2028")");
  EXPECT_EQ(substitute("{{A}}-{{B}}-{{C}}", {{"A", "{{B}}"}, {"B", "b"}}), "{{B}}-b-{{C}}");
  EXPECT_EQ(slugify("Tâches à faire!"), "taches-a-faire");
  EXPECT_EQ(sanitise_utf8("  a\tb\n\nc \xff "), "a b c \xef\xbf\xbd");
  EXPECT_EQ(fold("ÉTÉ Œuvre"), "ete oeuvre");
}

// --- templates as data (issue 16) ----------------------------------------------

TEST(template_generator_test_data, manifests_load_and_name_real_files) {
  const auto& manifests = template_manifests();
  ASSERT_GE(manifests.size(), 35u);
  for (auto& m : manifests) {
    auto folder = m["folder"].get<std::string>();
    SCOPED_TRACE(folder);
    auto type = m.value("type", std::string{});
    EXPECT_TRUE(type == "webapp" || type == "api" || type == "script" || type == "site") << type;
    EXPECT_FALSE(m.value("what", std::string{}).empty());
    if (m.value("renderer", std::string{}) == "cpp")
      continue;
    EXPECT_TRUE(m.contains("keywords"));
    EXPECT_FALSE(m["keywords"].value("strong", nlohmann::json::array()).empty());
    if (type == "webapp") {
      EXPECT_TRUE(has_template_file(folder + "/body.html"));
      EXPECT_TRUE(has_template_file(folder + "/app.js"));
    } else {
      EXPECT_TRUE(has_template_file(folder + "/server.js"));
    }
    // Every keyword is written as the folded words it must match.
    for (auto& w : m["keywords"].value("strong", nlohmann::json::array()))
      EXPECT_EQ(fold(w.get<std::string>()), w.get<std::string>());
  }
}

TEST(template_generator_test_data, picks_the_template_for_everyday_requests) {
  const std::vector<std::tuple<app_type, std::string, std::string>> cases{
    {app_type::webapp, "a tic tac toe game for two players", "tictactoe"},
    {app_type::webapp, "un morpion", "tictactoe"},
    {app_type::webapp, "a guess the number game", "guess_number"},
    {app_type::webapp, "a dice roller", "dice"},
    {app_type::webapp, "rock paper scissors", "rps"},
    {app_type::webapp, "a memory game with 8 pairs", "memory"},
    {app_type::webapp, "a world clock for Paris and Tokyo", "world_clock"},
    {app_type::webapp, "a countdown to Christmas", "countdown_date"},
    {app_type::webapp, "a 10 minute countdown", "timer"},
    {app_type::webapp, "a stopwatch with laps", "timer"},
    {app_type::webapp, "a breathing exercise", "breathing"},
    {app_type::webapp, "a unit converter", "converter"},
    {app_type::webapp, "a currency converter with 1 EUR = 1.08 USD", "currency"},
    {app_type::webapp, "a password generator with a length of 20", "password"},
    {app_type::webapp, "a colour palette generator", "palette"},
    {app_type::webapp, "a random name picker", "random_picker"},
    {app_type::webapp, "a shopping list with quantities", "list_fields"},
    {app_type::webapp, "a reading list with ratings", "list_fields"},
    {app_type::webapp, "a kanban board with columns Backlog, Doing and Done", "kanban"},
    {app_type::webapp, "split expenses between Ana, Ben and Chloe", "expense_split"},
    {app_type::webapp, "an age calculator", "age_calculator"},
    {app_type::webapp, "a markdown previewer", "markdown"},
    {app_type::webapp, "a word counter", "word_counter"},
    {app_type::webapp, "a typing speed test", "typing_test"},
    {app_type::webapp, "a landing page for my bakery", "landing"},
    {app_type::webapp, "a website for my plumbing business", "landing"},
    {app_type::webapp, "connect four", "connect_four"},
    {app_type::webapp, "a hangman game", "hangman"},
    {app_type::webapp, "flip a coin", "coin_flip"},
    {app_type::webapp, "a drawing app", "drawing"},
    {app_type::webapp, "a two-player board game", "tictactoe"},
    {app_type::webapp, "convert 100 dollars to euros at 0.92", "currency"},
    {app_type::webapp, "convert inches to centimeters", "converter"},
    {app_type::webapp, "a random number generator between 1 and 6", "random_number"},
    {app_type::webapp, "a weekly schedule", "kanban"},
    {app_type::webapp, "a text counter for words and characters", "word_counter"},
    {app_type::script, "fizzbuzz up to 30", "series_script"},
    {app_type::script, "count from 1 to 10", "series_script"},
    {app_type::api, "a URL shortener", "shortener_api"},
    {app_type::api, "a key-value store", "kv_api"},
    {app_type::api, "an API to store and list books", "crud_api"},
    {app_type::script, "a table of squares from 1 to 15", "series_script"},
  };
  for (auto& [type, prompt, expected] : cases)
    EXPECT_EQ(choose(prompt, type), expected) << prompt;
  EXPECT_EQ(api_resource(analyse_prompt("an API to store and list books")), "books");
  EXPECT_EQ(api_resource(analyse_prompt("an API for a todo app")), "todos");
}

TEST(template_generator_test_data, parameters_come_from_the_sentence) {
  auto params = [](const std::string& name, const std::string& prompt) {
    return template_params(name, analyse_prompt(prompt));
  };
  auto clock = params("world_clock", "a world clock for Paris, Tokyo and New York");
  ASSERT_EQ(clock["cities"].size(), 3u);
  EXPECT_EQ(clock["cities"][1]["value"], "Asia/Tokyo");
  EXPECT_EQ(clock["cities"][2]["name"], "New York");
  EXPECT_EQ(params("password", "a password generator with 24 characters")["length"], 24);
  EXPECT_EQ(params("password", "a password generator")["length"], 16);
  EXPECT_EQ(params("password", "a password generator that makes 12-character passwords")["length"], 12);
  EXPECT_EQ(params("dice", "a dice roller with two six-sided dice")["count"], 2);
  EXPECT_EQ(params("dice", "a dice roller with two six-sided dice")["sides"], 6);
  EXPECT_EQ(params("random_number", "a random number between 1 and 6")["range"],
            (nlohmann::json{{"from", 1}, {"to", 6}}));
  auto usd = params("currency", "convert 100 dollars to euros at 0.92")["rates"];
  ASSERT_EQ(usd.size(), 1u);
  EXPECT_EQ(usd[0]["from"], "USD");
  EXPECT_EQ(usd[0]["to"], "EUR");
  auto rates = params("currency", "a currency converter where 1 EUR = 1.10 USD")["rates"];
  ASSERT_EQ(rates.size(), 1u);
  EXPECT_EQ(rates[0]["from"], "EUR");
  EXPECT_DOUBLE_EQ(rates[0]["rate"].get<double>(), 1.10);
  EXPECT_EQ(params("countdown_date", "days until 2031-06-01")["target"]["iso"], "2031-06-01");
  EXPECT_EQ(params("countdown_date", "a countdown to Christmas")["target"]["iso"]
              .get<std::string>().substr(4),
            "-12-25");
  EXPECT_EQ(params("kanban", "a kanban board with columns Backlog, Doing, Review and Done")["columns"],
            (nlohmann::json{"Backlog", "Doing", "Review", "Done"}));
  EXPECT_EQ(params("expense_split", "share costs with my roommates Tom and Jerry")["people"],
            (nlohmann::json{"Tom", "Jerry"}));
  EXPECT_EQ(params("random_picker", "a random picker to choose between pizza, sushi and tacos")["options"],
            (nlohmann::json{"Pizza", "Sushi", "Tacos"}));
  EXPECT_EQ(params("list_fields", "a shopping list with quantities and prices")["columns"],
            (nlohmann::json{"Quantity", "Price"}));
  EXPECT_EQ(params("converter", "convert km to miles")["units"], (nlohmann::json{"km", "mi"}));
  EXPECT_EQ(params("landing", "a landing page for my bakery called Sweet Crumbs")["business"],
            "Sweet Crumbs");
  // Parameters reach the page as data, escaped for their context.
  auto page = generate_ok("a world clock for Tokyo </script><b>").files[0].content;
  EXPECT_NE(page.find("\"value\":\"Asia/Tokyo\""), std::string::npos);
  EXPECT_EQ(page.find("</script><b>"), std::string::npos);
  auto landing = generate_ok("a landing page for my bakery called \"<b>Crumbs</b>\"").files[0].content;
  EXPECT_NE(landing.find("&lt;b&gt;Crumbs&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(landing.find("<b>Crumbs</b>"), std::string::npos);
}

TEST(template_generator_test_data, the_generic_page_says_it_is_a_starter) {
  template_generator gen;
  std::vector<std::string> steps;
  generation_observer obs;
  obs.progress = [&](const std::string& s) { steps.push_back(s); };
  auto app = gen.generate_observed({"a page about my cat Felix", app_type::webapp}, obs);
  ASSERT_TRUE(app);
  EXPECT_EQ(app->template_name, "generic");
  EXPECT_TRUE(is_generic_starter(app->template_name));
  EXPECT_NE(app->files[0].content.find("Generic starter"), std::string::npos);
  EXPECT_NE(app->files[0].content.find("model backend"), std::string::npos);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_NE(steps[0].find("generic starter"), std::string::npos);
  EXPECT_NE(steps[0].find("a model backend"), std::string::npos);
  steps.clear();
  auto report = gen.generate_observed({"a report about the weather in Paris", app_type::script}, obs);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->template_name, "report_script");
  EXPECT_NE(report->files[0].content.find("Generic starter script"), std::string::npos);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_NE(steps[0].find("generic starter"), std::string::npos);
  steps.clear();
  ASSERT_TRUE(gen.generate_observed({"a tic tac toe game", app_type::webapp}, obs));
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_NE(steps[0].find("the tictactoe template fits"), std::string::npos);
  EXPECT_EQ(steps[0].find("generic"), std::string::npos);
}

TEST(template_generator_test_data, generation_stays_under_50_ms) {
  template_generator gen;
  const std::vector<std::pair<app_type, std::string>> prompts{
    {app_type::webapp, "a world clock for Paris, Tokyo and New York"},
    {app_type::webapp, "a currency converter where 1 EUR = 1.10 USD"},
    {app_type::webapp, "a kanban board with columns Backlog, Doing and Done"},
    {app_type::webapp, "a page about my cat Felix"},
    {app_type::api, "a URL shortener"},
    {app_type::script, "a celsius to fahrenheit table from -10 to 40"},
    {app_type::site, "a website for my bakery in Lyon"}};
  for (auto& [type, prompt] : prompts) {
    timespec a{}, b{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
    auto app = gen.generate({prompt, type});
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
    ASSERT_TRUE(app) << prompt;
    auto ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
    EXPECT_LT(ms, 50.0) << prompt;
  }
}
