// The shared frame of every webapp: document head, theme, header, footer and
// the small helpers each template's script builds on.

namespace spawn::shell {

extern const char* const html = R"html(<!doctype html>
<html lang="{{LANG}}" data-theme="{{INITIAL_THEME}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' data: blob:; connect-src 'self'">
<meta name="description" content="{{DESCRIPTION}}">
<title>{{TITLE}}</title>
<link rel="icon" href="{{FAVICON}}">
<script>
(function () {
  var theme = "{{THEME}}";
  try { theme = localStorage.getItem("spawn:theme") || theme; } catch (e) {}
  if (theme === "auto") {
    theme = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  document.documentElement.setAttribute("data-theme", theme);
})();
</script>
<style>
{{BASE_CSS}}
{{CSS}}
</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <div class="wrap head-row">
    <div>
      <h1 id="app-title">{{TITLE}}</h1>
      <p class="sub">{{SUBTITLE}}</p>
    </div>
    <button type="button" class="theme-toggle" id="theme-toggle" aria-label="Switch theme">&#9680;</button>
  </div>
</header>
<main id="main" class="wrap">
{{BODY}}
</main>
<footer class="wrap foot">
  <p>Made with SpawnAI from the request <q>{{PROMPT}}</q>. Your data stays in this browser.</p>
</footer>
<div id="live" class="sr-only" aria-live="polite"></div>
<script>
"use strict";
const CONFIG = {{CONFIG}};
{{COMMON_JS}}
{{JS}}
</script>
</body>
</html>
)html";

extern const char* const css = R"css(*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
:root{--radius:14px;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;line-height:1.5;-webkit-text-size-adjust:100%}
html[data-theme=light]{--bg:#f5f6fa;--fg:#1d2130;--card:#ffffff;--muted:#5d6477;--border:#dde1ea;--soft:#eef0f6;--accent:{{LIGHT}};--accent-fg:{{LIGHT_FG}};--danger:#b91c1c;--ok:#15803d;--shadow:0 1px 2px rgba(16,24,40,.05),0 10px 28px rgba(16,24,40,.06);color-scheme:light}
html[data-theme=dark]{--bg:#11131a;--fg:#e7e9ef;--card:#1b1e28;--muted:#9aa1b3;--border:#2b3040;--soft:#242837;--accent:{{DARK}};--accent-fg:{{DARK_FG}};--danger:#f87171;--ok:#4ade80;--shadow:0 1px 2px rgba(0,0,0,.3),0 10px 28px rgba(0,0,0,.25);color-scheme:dark}
body{margin:0;background:var(--bg);color:var(--fg);min-height:100vh;display:flex;flex-direction:column}
.wrap{width:100%;max-width:880px;margin:0 auto;padding:0 20px}
header.top{padding:28px 0 6px}
.head-row{display:flex;align-items:flex-start;justify-content:space-between;gap:16px}
h1{margin:0;font-size:clamp(1.6rem,4.5vw,2.3rem);letter-spacing:-.02em;line-height:1.15;overflow-wrap:anywhere}
h2{font-size:1.1rem;margin:0 0 12px}
.sub{margin:6px 0 0;color:var(--muted)}
main{flex:1;padding-top:14px;padding-bottom:32px}
.card{background:var(--card);border:1px solid var(--border);border-radius:var(--radius);padding:20px;box-shadow:var(--shadow)}
.stack>*+*{margin-top:16px}
button{font:inherit;border:1px solid transparent;border-radius:10px;padding:.55em 1em;background:var(--accent);color:var(--accent-fg);cursor:pointer;font-weight:600;transition:filter .15s,transform .05s,background .15s}
button:hover{filter:brightness(1.08)}
button:active{transform:translateY(1px)}
button.ghost{background:transparent;color:var(--fg);border-color:var(--border)}
button.ghost[aria-pressed=true]{background:var(--soft);border-color:var(--accent)}
button.danger{background:transparent;color:var(--danger);border-color:var(--border)}
button.icon{padding:.35em .6em;background:transparent;color:var(--muted);border-color:transparent}
button.icon:hover{color:var(--fg);background:var(--soft)}
button:disabled{opacity:.5;cursor:not-allowed}
input,select,textarea{font:inherit;font-weight:400;color:inherit;background:var(--bg);border:1px solid var(--border);border-radius:10px;padding:.55em .75em;width:100%;min-width:0}
textarea{resize:vertical}
input[type=checkbox],input[type=radio]{width:auto;accent-color:var(--accent)}
input:focus,select:focus,textarea:focus{outline:2px solid var(--accent);outline-offset:0;border-color:transparent}
:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
label{font-weight:600;font-size:.92rem}
.muted{color:var(--muted)}
.row{display:flex;gap:10px;align-items:center;flex-wrap:wrap}
.grow{flex:1 1 160px;min-width:0}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
.skip{position:absolute;left:-9999px}
.skip:focus{left:12px;top:12px;background:var(--card);padding:8px 12px;border-radius:8px;z-index:10}
.empty{text-align:center;color:var(--muted);padding:24px 8px}
.pill{display:inline-block;padding:2px 10px;border-radius:999px;background:var(--soft);color:var(--muted);font-size:.85rem}
.theme-toggle{background:var(--card);color:var(--fg);border:1px solid var(--border);padding:.35em .65em;font-weight:500;font-size:1.1rem;line-height:1}
footer.foot{color:var(--muted);font-size:.85rem;padding-bottom:24px;overflow-wrap:anywhere}
footer.foot q{font-style:italic}
.error{color:var(--danger);font-size:.88rem;margin:4px 0 0}
@media (max-width:600px){.wrap{padding:0 14px}.card{padding:16px}header.top{padding-top:18px}}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
)css";

extern const char* const js = R"js(const $ = (sel, root) => (root || document).querySelector(sel);
const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

/** Builds an element; text is always set as text, never parsed as HTML. */
function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key.startsWith("aria-") || key.startsWith("data-") || !(key in el)) el.setAttribute(key, value === true ? "" : String(value));
    else el[key] = value;
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** localStorage that never throws (private mode, quota, disabled storage). */
const store = {
  key(name) { return "spawn:" + (CONFIG.storageKey || "app") + ":" + name; },
  get(name, fallback) {
    try {
      const raw = localStorage.getItem(store.key(name));
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) { return fallback; }
  },
  set(name, value) {
    try { localStorage.setItem(store.key(name), JSON.stringify(value)); } catch (e) { /* storage unavailable */ }
  }
};

/** Tells screen-reader users about a change. */
function announce(message) {
  const live = document.getElementById("live");
  if (!live) return;
  live.textContent = "";
  setTimeout(() => { live.textContent = message; }, 40);
}

function uid() {
  return Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
}

(function setUpThemeToggle() {
  const button = document.getElementById("theme-toggle");
  if (!button) return;
  const label = () => {
    const next = document.documentElement.getAttribute("data-theme") === "dark" ? "light" : "dark";
    button.setAttribute("aria-label", "Switch to " + next + " theme");
    button.title = "Switch to " + next + " theme";
  };
  label();
  button.addEventListener("click", () => {
    const next = document.documentElement.getAttribute("data-theme") === "dark" ? "light" : "dark";
    document.documentElement.setAttribute("data-theme", next);
    try { localStorage.setItem("spawn:theme", next); } catch (e) { /* storage unavailable */ }
    label();
    document.dispatchEvent(new CustomEvent("themechange"));
  });
})();
)js";

} // namespace spawn::shell
