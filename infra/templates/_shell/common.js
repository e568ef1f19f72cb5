const $ = (sel, root) => (root || document).querySelector(sel);
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
