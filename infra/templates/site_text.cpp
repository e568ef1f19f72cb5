// The frame, stylesheet and script of the "site" template.

namespace spawn::site_text {

extern const char* const layout = R"html(<!doctype html>
<html lang="{{LANG}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'">
<title>{{TITLE}}</title>
<meta name="description" content="{{TAGLINE}}">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="style.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
  <div class="wrap bar">
    <a class="brand" href="index.html">{{NAME}}</a>
    <button type="button" class="menu" id="menu" aria-expanded="false" aria-controls="nav">Menu</button>
    <nav id="nav" aria-label="Main"><ul>{{NAV}}</ul></nav>
  </div>
</header>
<main id="main">
{{CONTENT}}
</main>
<footer class="site-footer">
  <div class="wrap foot-row">
    <p>&copy; {{YEAR}} {{NAME}}. {{TAGLINE}}</p>
    <p><a href="contact.html">Contact</a> &middot; Made with SpawnAI</p>
  </div>
</footer>
<script src="site.js"></script>
</body>
</html>
)html";

extern const char* const css = R"css({{VARS}}
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;line-height:1.6;-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg)}
a{color:var(--accent)}
img{max-width:100%}
.wrap{width:100%;max-width:1080px;margin:0 auto;padding:0 22px}
.narrow{max-width:760px}
.skip{position:absolute;left:-9999px}
.skip:focus{left:12px;top:12px;background:var(--card);padding:8px 12px;border-radius:8px;z-index:10}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.site-header{position:sticky;top:0;z-index:5;background:color-mix(in srgb,var(--bg) 88%,transparent);backdrop-filter:blur(8px);border-bottom:1px solid var(--border)}
.bar{display:flex;align-items:center;justify-content:space-between;gap:16px;min-height:64px}
.brand{font-weight:800;font-size:1.2rem;color:var(--fg);text-decoration:none;letter-spacing:-.01em}
nav ul{display:flex;gap:6px;list-style:none;margin:0;padding:0}
nav a{display:block;padding:8px 12px;border-radius:10px;color:var(--fg);text-decoration:none;font-weight:500}
nav a:hover{background:var(--soft)}
nav a[aria-current=page]{background:var(--soft);color:var(--accent)}
.menu{display:none;font:inherit;background:var(--card);color:var(--fg);border:1px solid var(--border);border-radius:10px;padding:6px 12px}
.hero{padding:88px 0 72px;background:radial-gradient(1200px 400px at 10% -10%,color-mix(in srgb,var(--accent) 22%,transparent),transparent),radial-gradient(800px 300px at 100% 0,color-mix(in srgb,var(--accent) 12%,transparent),transparent)}
.eyebrow{text-transform:uppercase;letter-spacing:.12em;font-size:.8rem;font-weight:700;color:var(--accent);margin:0 0 10px}
h1{font-size:clamp(2.1rem,6vw,3.6rem);line-height:1.08;letter-spacing:-.03em;margin:0 0 16px;overflow-wrap:anywhere}
.section h1{font-size:clamp(1.9rem,5vw,2.8rem)}
h2{font-size:clamp(1.4rem,3vw,1.9rem);letter-spacing:-.02em;margin:0 0 18px}
h3{margin:8px 0 6px;font-size:1.1rem}
.lead{font-size:1.2rem;color:var(--muted);max-width:640px;margin:0 0 28px}
.actions{display:flex;gap:12px;flex-wrap:wrap}
.button{display:inline-block;font:inherit;font-weight:700;text-decoration:none;background:var(--accent);color:var(--accent-fg);border:2px solid var(--accent);padding:12px 22px;border-radius:12px;cursor:pointer}
.button:hover{filter:brightness(1.08)}
.button.ghost{background:transparent;color:var(--accent)}
.button.light{background:var(--accent-fg);color:var(--accent);border-color:var(--accent-fg)}
.section{padding:64px 22px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:18px;margin-bottom:22px}
.card{background:var(--card);border:1px solid var(--border);border-radius:16px;padding:22px;box-shadow:0 1px 2px rgba(16,24,40,.04),0 12px 32px rgba(16,24,40,.05)}
.cards .card p{margin:0;color:var(--muted)}
.num{display:inline-grid;place-items:center;width:34px;height:34px;border-radius:10px;background:color-mix(in srgb,var(--accent) 15%,transparent);color:var(--accent);font-weight:800}
.quote blockquote{margin:0 auto;max-width:760px;text-align:center}
.quote blockquote p{font-size:clamp(1.2rem,3vw,1.6rem);line-height:1.4;margin:0 0 10px}
.quote footer{color:var(--muted)}
.band{background:var(--accent);color:var(--accent-fg);padding:44px 0}
.band h2{margin:0}
.band-row{display:flex;align-items:center;justify-content:space-between;gap:18px;flex-wrap:wrap}
.ticks{padding:0;list-style:none}
.ticks li{padding:6px 0 6px 30px;position:relative}
.ticks li::before{content:"\2713";position:absolute;left:0;color:var(--accent);font-weight:800}
.muted{color:var(--muted)}
.small{font-size:.85rem}
.contact{display:grid;grid-template-columns:1fr 1fr;gap:36px;align-items:start}
.facts dt{font-weight:700;margin-top:12px}
.facts dd{margin:2px 0 0;color:var(--muted)}
label{display:block;font-weight:600;margin-bottom:6px}
input,textarea{font:inherit;color:inherit;width:100%;background:var(--bg);border:1px solid var(--border);border-radius:10px;padding:10px 12px}
input:focus,textarea:focus{outline:2px solid var(--accent);border-color:transparent}
[aria-invalid=true]{border-color:#c0262d}
.error{color:#c0262d;min-height:1.2em;margin:0 0 8px}
.ok{color:var(--accent);font-weight:700}
.site-footer{border-top:1px solid var(--border);padding:26px 0;color:var(--muted);font-size:.9rem}
.foot-row{display:flex;justify-content:space-between;gap:12px;flex-wrap:wrap}
.foot-row p{margin:0}
@media (max-width:760px){
  .bar{flex-wrap:wrap}
  nav ul{flex-wrap:wrap}
  .js .menu{display:block}
  .js nav{display:none;position:absolute;left:0;right:0;top:64px;background:var(--bg);border-bottom:1px solid var(--border);padding:8px 16px}
  .js nav.open{display:block}
  .js nav ul{flex-direction:column}
  .contact{grid-template-columns:1fr}
  .hero{padding:56px 0 48px}
  .section{padding:44px 22px}
}
@media (prefers-reduced-motion:reduce){*{transition:none!important}}
)css";

extern const char* const js = R"js("use strict";
// Mobile menu and the contact form of the generated site.
(function () {
  document.documentElement.classList.add("js");
  var menu = document.getElementById("menu");
  var nav = document.getElementById("nav");
  if (menu && nav) {
    menu.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      menu.setAttribute("aria-expanded", String(open));
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && nav.classList.contains("open")) {
        nav.classList.remove("open");
        menu.setAttribute("aria-expanded", "false");
        menu.focus();
      }
    });
  }
  var form = document.getElementById("contact-form");
  if (!form) return;
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var error = document.getElementById("c-error");
    var fields = [["c-name", "your name"], ["c-email", "your email"], ["c-message", "a message"]];
    for (var i = 0; i < fields.length; i++) {
      var el = document.getElementById(fields[i][0]);
      var bad = !el.value.trim() || (el.type === "email" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(el.value.trim()));
      el.setAttribute("aria-invalid", String(bad));
      if (bad) {
        error.textContent = "Please enter " + fields[i][1] + ".";
        el.focus();
        return;
      }
    }
    error.textContent = "";
    try {
      var saved = JSON.parse(localStorage.getItem("spawn:site:messages") || "[]");
      saved.push({ at: new Date().toISOString(), name: form.name.value, email: form.email.value, message: form.message.value });
      localStorage.setItem("spawn:site:messages", JSON.stringify(saved));
    } catch (err) { /* storage unavailable: the thank-you still shows */ }
    form.reset();
    document.getElementById("c-ok").hidden = false;
  });
})();
)js";

} // namespace spawn::site_text
