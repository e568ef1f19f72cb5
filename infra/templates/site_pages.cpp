// Site template "site": a static multi-page website (home, services, about,
// contact) for the business the prompt describes, themed after the prompt.
// Every prompt-derived text is escaped here; pages work without JavaScript.

#include <ctime>

#include "infra/templates/prompt_words.hpp"
#include "infra/templates/site.hpp"
#include "infra/template_files.hpp"
#include "infra/templates/templates.hpp"
#include "core/text_escape.hpp"

namespace spawn {

namespace {

struct page {
  const char* file;
  const char* label;
};

const page pages[] = {{"index.html", "Home"}, {"services.html", "Services"},
                      {"about.html", "About"}, {"contact.html", "Contact"}};

/// "in Lyon", "à Paris", "based in New York": capitalised words after it.
std::string city_of(const std::string& prompt) {
  auto ts = tokenise(prompt);
  for (std::size_t i = 0; i + 1 < ts.size(); ++i) {
    if (ts[i].folded != "in" && ts[i].folded != "a" && ts[i].folded != "at")
      continue;
    if (ts[i].text == "a" || ts[i].text == "A") // English article, not French "à"
      continue;
    std::string city;
    for (auto k = i + 1; k < ts.size() && k < i + 4 && ts[k].word; ++k) {
      char c = ts[k].text[0];
      if (!(c >= 'A' && c <= 'Z') && !(static_cast<unsigned char>(c) == 0xC3))
        break;
      city += (city.empty() ? "" : " ") + ts[k].text;
    }
    if (!city.empty())
      return city;
  }
  return {};
}

std::string render(const std::string& name, const std::string& tagline, const page& current,
                   const std::string& content, const prompt_traits& t) {
  std::string nav;
  for (auto& p : pages)
    nav += std::string{"<li><a href=\""} + p.file + "\""
           + (&p == &current ? " aria-current=\"page\"" : "") + ">" + p.label + "</a></li>";
  auto title = &current == &pages[0] ? html_escape(name) + " \xe2\x80\x94 " + html_escape(tagline)
                                     : std::string{current.label} + " \xc2\xb7 " + html_escape(name);
  auto year = std::to_string(1900 + [] {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    return tm.tm_year;
  }());
  return substitute(template_text("site/layout.html"), {{"LANG", t.french ? "fr" : "en"},
                                        {"TITLE", title},
                                        {"NAME", html_escape(name)},
                                        {"TAGLINE", html_escape(tagline)},
                                        {"NAV", nav},
                                        {"CONTENT", content},
                                        {"YEAR", year}});
}

} // namespace

std::vector<app_file> site_pages(const prompt_traits& t, const std::string& title) {
  auto kind = site_kind_for(t);
  auto name = html_escape(title);
  std::string tagline = kind["tagline"];
  auto city = city_of(t.prompt);
  auto where = city.empty() ? std::string{} : " in " + html_escape(city);
  std::string services;
  std::string highlights;
  int i = 0;
  for (auto& s : kind["services"]) {
    auto card = "<article class=\"card\"><span class=\"num\" aria-hidden=\"true\">"
                + std::to_string(++i) + "</span><h3>" + html_escape(s[0].get<std::string>())
                + "</h3><p>" + html_escape(s[1].get<std::string>()) + "</p></article>";
    services += card;
    if (i <= 3)
      highlights += card;
  }
  std::string values;
  for (auto& v : kind["values"])
    values += "<li>" + html_escape(v.get<std::string>()) + "</li>";
  auto cta = "<section class=\"band\"><div class=\"wrap band-row\"><h2>Ready when you are.</h2>"
             "<a class=\"button light\" href=\"contact.html\">Get in touch</a></div></section>";
  auto home =
    "<section class=\"hero\"><div class=\"wrap\"><p class=\"eyebrow\">" + html_escape(kind["label"].get<std::string>())
    + where + "</p><h1>" + name + "</h1><p class=\"lead\">" + html_escape(tagline)
    + "</p><p class=\"actions\"><a class=\"button\" href=\"services.html\">Our services</a> "
      "<a class=\"button ghost\" href=\"contact.html\">Contact us</a></p></div></section>"
      "<section class=\"wrap section\"><h2>What we do best</h2><div class=\"cards\">" + highlights
    + "</div><p><a href=\"services.html\">See all services &rarr;</a></p></section>"
      "<section class=\"wrap section quote\"><blockquote><p>\xe2\x80\x9c" "Friendly, professional and "
      "exactly what we hoped for. We recommend " + name + " to everyone.\xe2\x80\x9d</p><footer>"
      "A happy customer</footer></blockquote></section>" + cta;
  auto services_page = "<section class=\"wrap section\"><h1>Services</h1><p class=\"lead\">"
                       + html_escape(tagline) + "</p><div class=\"cards\">" + services
                       + "</div></section>" + cta;
  auto about = "<section class=\"wrap section narrow\"><h1>About " + name + "</h1><p class=\"lead\">"
               + html_escape(kind["story"].get<std::string>()) + "</p><h2>What we believe in</h2>"
               "<ul class=\"ticks\">" + values + "</ul><h2>Your request</h2><p class=\"muted\">This site "
               "was generated by SpawnAI from: <q>" + html_escape(t.prompt) + "</q>. Replace this text "
               "with your own story.</p></section>" + cta;
  auto contact =
    "<section class=\"wrap section contact\"><div><h1>Contact</h1><p class=\"lead\">Questions, quotes or "
    "bookings: send us a message and we will reply within one working day.</p><dl class=\"facts\">"
    + (city.empty() ? "" : "<dt>Where</dt><dd>" + html_escape(city) + "</dd>")
    + "<dt>Opening hours</dt><dd>Monday to Friday, 9 am to 6 pm<br>Saturday, 9 am to 1 pm</dd></dl></div>"
      "<form class=\"card\" id=\"contact-form\" novalidate><p><label for=\"c-name\">Name</label>"
      "<input id=\"c-name\" name=\"name\" autocomplete=\"name\" required maxlength=\"100\"></p>"
      "<p><label for=\"c-email\">Email</label><input id=\"c-email\" name=\"email\" type=\"email\" "
      "autocomplete=\"email\" required maxlength=\"200\"></p><p><label for=\"c-message\">Message</label>"
      "<textarea id=\"c-message\" name=\"message\" rows=\"5\" required maxlength=\"2000\"></textarea></p>"
      "<p class=\"error\" id=\"c-error\" role=\"alert\"></p><button type=\"submit\" class=\"button\">Send</button>"
      "<p class=\"muted small\">This preview keeps messages in your browser; connect the form to "
      "your inbox when you publish the site.</p><p class=\"ok\" id=\"c-ok\" role=\"status\" hidden>"
      "Thank you! Your message has been saved.</p></form></section>";
  auto palette = make_palette(t.accent.empty() ? "#0f766e" : t.accent);
  auto light = "--bg:#fbfaf8;--fg:#1d2130;--card:#ffffff;--muted:#5d6477;--border:#e4e1dc;--soft:#f1eee9;--accent:"
               + palette.light + ";--accent-fg:" + palette.light_fg + ";color-scheme:light";
  auto dark = "--bg:#12141a;--fg:#e9e9ee;--card:#1b1e27;--muted:#a0a6b5;--border:#2c303d;--soft:#222633;--accent:"
              + palette.dark + ";--accent-fg:" + palette.dark_fg + ";color-scheme:dark";
  std::string vars = t.theme == theme_kind::dark    ? ":root{" + dark + "}"
                     : t.theme == theme_kind::light ? ":root{" + light + "}"
                                                    : ":root{" + light + "}@media (prefers-color-scheme:dark){:root{"
                                                        + dark + "}}";
  auto css = substitute(template_text("site/site.css"), {{"VARS", vars}});
  return {{"index.html", render(title, tagline, pages[0], home, t)},
          {"services.html", render(title, tagline, pages[1], services_page, t)},
          {"about.html", render(title, tagline, pages[2], about, t)},
          {"contact.html", render(title, tagline, pages[3], contact, t)},
          {"style.css", css},
          {"site.js", template_text("site/site.js")}};
}

} // namespace spawn
