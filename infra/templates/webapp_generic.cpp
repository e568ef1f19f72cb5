// Webapp template "generic": for any prompt no other template fits — a
// small workspace about the request: a checklist seeded from the items the
// prompt lists, free notes, and progress, kept in localStorage.

#include "infra/templates/templates.hpp"
#include "infra/templates/text_escape.hpp"

namespace spawn {

namespace {

const char* const generic_css = R"css(
.brief{border-left:4px solid var(--accent)}
.brief p{margin:0;font-size:1.05rem;overflow-wrap:anywhere}
.brief small{color:var(--muted);display:block;margin-bottom:4px;text-transform:uppercase;letter-spacing:.05em;font-size:.75rem}
.grid2{display:grid;grid-template-columns:1.1fr 1fr;gap:16px;margin-top:16px;align-items:start}
.add{display:flex;gap:8px;margin-bottom:10px}
.checks{list-style:none;margin:0;padding:0}
.checks li{display:flex;align-items:center;gap:10px;padding:8px 2px;border-bottom:1px solid var(--border)}
.checks li:last-child{border-bottom:0}
.checks label{flex:1;font-weight:400;overflow-wrap:anywhere}
.checks li.done label{text-decoration:line-through;color:var(--muted)}
.meter{height:8px;background:var(--soft);border-radius:6px;overflow:hidden;margin:4px 0 12px}
.meter span{display:block;height:100%;width:0;background:var(--accent);transition:width .3s}
textarea{min-height:240px;line-height:1.6}
.saved{font-size:.85rem}
@media (max-width:720px){.grid2{grid-template-columns:1fr}}
)css";

const char* const generic_body = R"html(
<section class="card brief" aria-label="Your request">
  <small>Your request</small>
  <p id="request"></p>
</section>
<div class="grid2">
  <section class="card" aria-labelledby="steps-title">
    <h2 id="steps-title">Checklist</h2>
    <div class="meter" role="progressbar" aria-label="Done" aria-valuemin="0" aria-valuemax="100" id="meter-bar"><span id="meter"></span></div>
    <form class="add" id="add-form" autocomplete="off">
      <label for="new-step" class="sr-only">New item</label>
      <input id="new-step" type="text" maxlength="160" placeholder="Add an item…" required>
      <button type="submit">Add</button>
    </form>
    <ul class="checks" id="checks"></ul>
    <p class="empty" id="no-checks">Break your idea into small steps and tick them off here.</p>
  </section>
  <section class="card" aria-labelledby="notes-title">
    <h2 id="notes-title">Notes</h2>
    <label for="notes" class="sr-only">Notes</label>
    <textarea id="notes" placeholder="Ideas, links, details…"></textarea>
    <p class="muted saved" id="saved" aria-live="polite"></p>
  </section>
</div>
)html";

const char* const generic_js = R"js(
$("#request").textContent = CONFIG.request;
let steps = store.get("steps", null);
if (!Array.isArray(steps)) steps = CONFIG.seed.map((text) => ({ id: uid(), text, done: false }));
const notes = $("#notes");
notes.value = store.get("notes", "");
let timer = null;

function save() { store.set("steps", steps); }

function render() {
  $("#checks").replaceChildren(...steps.map((s) => h("li", { class: s.done ? "done" : "" },
    h("input", { type: "checkbox", id: "s-" + s.id, checked: s.done, onchange: () => { s.done = !s.done; save(); render(); } }),
    h("label", { for: "s-" + s.id, text: s.text }),
    h("button", { type: "button", class: "icon", "aria-label": "Remove " + s.text, text: "\u2715",
      onclick: () => { steps = steps.filter((x) => x !== s); save(); render(); } }))));
  const done = steps.filter((s) => s.done).length;
  const pct = steps.length ? Math.round(100 * done / steps.length) : 0;
  $("#meter").style.width = pct + "%";
  $("#meter-bar").setAttribute("aria-valuenow", String(pct));
  $("#no-checks").hidden = steps.length > 0;
  $("#steps-title").textContent = steps.length ? "Checklist \u00b7 " + done + "/" + steps.length : "Checklist";
}

$("#add-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("#new-step").value.trim();
  if (!text) return;
  steps.push({ id: uid(), text, done: false });
  $("#new-step").value = "";
  save();
  render();
  announce("Added " + text);
});
notes.addEventListener("input", () => {
  $("#saved").textContent = "Saving\u2026";
  clearTimeout(timer);
  timer = setTimeout(() => { store.set("notes", notes.value); $("#saved").textContent = "Saved " + new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }); }, 400);
});
render();
)js";

} // namespace

std::vector<app_file> generic_webapp(const prompt_traits& t, const std::string& title) {
  page_parts p;
  p.title = title;
  p.default_accent = "#4f46e5";
  p.css = generic_css;
  p.body = generic_body;
  p.js = generic_js;
  nlohmann::json seed = nlohmann::json::array();
  for (auto& f : t.fields)
    seed.push_back(capitalise(f));
  p.subtitle = "A starting point built from your request: a checklist and notes, saved in this browser.";
  p.config = {{"storageKey", "generic"}, {"request", t.prompt}, {"seed", seed}};
  return {{"index.html", render_page(t, p)}};
}

} // namespace spawn
