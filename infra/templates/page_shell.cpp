#include <algorithm>
#include <cmath>
#include <cstdio>

#include "infra/template_files.hpp"
#include "infra/templates/templates.hpp"
#include "core/text_escape.hpp"

namespace spawn {

namespace {

struct rgb {
  double r = 0, g = 0, b = 0;
};

bool parse_hex(const std::string& hex, rgb& out) {
  if (hex.size() != 7 || hex[0] != '#')
    return false;
  for (std::size_t i = 1; i < 7; ++i)
    if (!std::isxdigit(static_cast<unsigned char>(hex[i])))
      return false;
  out.r = std::stoi(hex.substr(1, 2), nullptr, 16);
  out.g = std::stoi(hex.substr(3, 2), nullptr, 16);
  out.b = std::stoi(hex.substr(5, 2), nullptr, 16);
  return true;
}

std::string to_hex(const rgb& c) {
  char buf[8];
  auto clamp = [](double v) { return static_cast<int>(std::lround(std::clamp(v, 0.0, 255.0))); };
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", clamp(c.r), clamp(c.g), clamp(c.b));
  return buf;
}

double luminance(const rgb& c) {
  auto lin = [](double v) {
    v /= 255.0;
    return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

double contrast(const rgb& a, const rgb& b) {
  auto la = luminance(a);
  auto lb = luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

rgb mix(const rgb& a, const rgb& b, double t) {
  return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t};
}

/// Moves `c` towards `target` until it reaches `min_ratio` against `bg`.
rgb readable_on(rgb c, const rgb& bg, const rgb& target, double min_ratio) {
  for (int step = 0; step < 20 && contrast(c, bg) < min_ratio; ++step)
    c = mix(c, target, 0.12);
  return c;
}

std::string text_on(const rgb& c) {
  rgb white{255, 255, 255};
  rgb ink{17, 24, 39};
  return contrast(c, white) >= contrast(c, ink) ? "#ffffff" : "#111827";
}

std::string percent_encode(const std::string& in) {
  std::string out;
  for (unsigned char c : in) {
    if (std::isalnum(c) || c == ' ' || c == '=' || c == '/' || c == ':' || c == '.'
        || c == '-' || c == ',' || c == '(' || c == ')' || c == '\'') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

/// An SVG favicon with the title's initial, so browsers never ask for /favicon.ico.
std::string favicon(const std::string& title, const std::string& accent, const std::string& fg) {
  std::string letter = "S";
  for (char c : title)
    if (std::isalnum(static_cast<unsigned char>(c))) {
      letter = std::string(1, static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
      break;
    }
  auto svg = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'><rect width='32' "
             "height='32' rx='8' fill='" + accent + "'/><text x='16' y='22' font-size='18' "
             "text-anchor='middle' font-family='sans-serif' font-weight='bold' fill='" + fg
             + "'>" + letter + "</text></svg>";
  return "data:image/svg+xml," + percent_encode(svg);
}

} // namespace

accent_palette make_palette(const std::string& hex) {
  rgb c;
  if (!parse_hex(hex, c))
    parse_hex("#4f46e5", c);
  rgb white{255, 255, 255};
  rgb black{0, 0, 0};
  rgb light_card{255, 255, 255};
  rgb dark_card{27, 30, 40};
  auto on_light = readable_on(c, light_card, black, 3.6);
  auto on_dark = readable_on(c, dark_card, white, 4.0);
  return {to_hex(on_light), text_on(on_light), to_hex(on_dark), text_on(on_dark)};
}

std::string render_page(const prompt_traits& traits, const page_parts& parts) {
  auto palette = make_palette(traits.accent.empty() ? parts.default_accent : traits.accent);
  std::string theme = traits.theme == theme_kind::dark    ? "dark"
                      : traits.theme == theme_kind::light ? "light"
                                                          : "auto";
  auto css = substitute(template_text("_shell/base.css"), {{"LIGHT", palette.light},
                                    {"LIGHT_FG", palette.light_fg},
                                    {"DARK", palette.dark},
                                    {"DARK_FG", palette.dark_fg}});
  auto config = parts.config;
  config["title"] = parts.title;
  config["theme"] = theme;
  return substitute(template_text("_shell/page.html"),
                    {{"LANG", traits.french ? "fr" : "en"},
                     {"THEME", theme},
                     {"INITIAL_THEME", theme == "dark" ? "dark" : "light"},
                     {"TITLE", html_escape(parts.title)},
                     {"SUBTITLE", html_escape(parts.subtitle)},
                     {"DESCRIPTION", html_escape(traits.prompt)},
                     {"PROMPT", html_escape(traits.prompt)},
                     {"FAVICON", html_escape(favicon(parts.title, palette.light, palette.light_fg))},
                     {"BASE_CSS", css},
                     {"CSS", parts.css},
                     {"BODY", parts.body},
                     {"CONFIG", js_value(config)},
                     {"COMMON_JS", template_text("_shell/common.js")},
                     {"JS", parts.js}});
}

std::string plain_css(const std::string& accent) {
  auto palette = make_palette(accent);
  return substitute(R"css(*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;line-height:1.55;background:#f5f6fa;color:#1d2130}
main{max-width:900px;margin:0 auto;padding:32px 20px 48px}
h1{margin:0 0 4px;font-size:clamp(1.6rem,4vw,2.2rem);letter-spacing:-.02em}
h2{margin:28px 0 10px;font-size:1.2rem}
.sub,.muted{color:#5d6477}
.card{background:#fff;border:1px solid #dde1ea;border-radius:14px;padding:18px 20px;margin:14px 0;overflow-x:auto}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid #e6e9f0;vertical-align:top}
th{font-size:.85rem;text-transform:uppercase;letter-spacing:.04em;color:#5d6477}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
code{background:#eef0f6;padding:1px 6px;border-radius:6px}
pre{background:#151821;color:#e7e9ef;padding:14px 16px;border-radius:10px;overflow-x:auto}
.badge{display:inline-block;min-width:58px;text-align:center;padding:2px 8px;border-radius:999px;font-size:.8rem;font-weight:700;background:{{ACCENT}};color:{{ACCENT_FG}}}
.accent{color:{{ACCENT}}}
.bar{height:10px;border-radius:6px;background:{{ACCENT}}}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:12px}
.stat{background:#fff;border:1px solid #dde1ea;border-radius:12px;padding:12px 14px}
.stat b{display:block;font-size:1.5rem;color:{{ACCENT}};overflow-wrap:anywhere}
footer{color:#5d6477;font-size:.85rem;margin-top:32px}
@media (prefers-color-scheme:dark){body{background:#11131a;color:#e7e9ef}.card,.stat{background:#1b1e28;border-color:#2b3040}th,td{border-color:#2b3040}.sub,.muted,th,footer{color:#9aa1b3}code{background:#242837}.badge,.bar{background:{{DARK}};color:{{DARK_FG}}}.accent,.stat b{color:{{DARK}}}}
)css",
                    {{"ACCENT", palette.light},
                     {"ACCENT_FG", palette.light_fg},
                     {"DARK", palette.dark},
                     {"DARK_FG", palette.dark_fg}});
}

} // namespace spawn
