// Webapp template "counter": one or more named tally counters with steps,
// optional goals, undo and totals, kept in localStorage.

#include "infra/templates/templates.hpp"
#include "infra/templates/text_escape.hpp"

namespace spawn {

namespace {

const char* const counter_css = R"css(
.counters{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:16px}
.counter{text-align:center;display:flex;flex-direction:column;gap:10px}
.counter .name{font-weight:700;font-size:1.05rem;border:0;background:transparent;text-align:center;padding:.2em}
.value{font-size:clamp(3rem,12vw,4.5rem);font-weight:800;font-variant-numeric:tabular-nums;line-height:1;color:var(--accent)}
.value.bump{animation:bump .18s ease-out}
@keyframes bump{50%{transform:scale(1.12)}}
.big{justify-content:center}
.big button{width:64px;height:64px;border-radius:50%;font-size:1.8rem;padding:0;line-height:1}
.goal{height:8px;background:var(--soft);border-radius:6px;overflow:hidden}
.goal span{display:block;height:100%;background:var(--accent);transition:width .2s}
.small{justify-content:center;font-size:.85rem}
.small button{padding:.3em .7em;font-weight:500}
.small select{width:auto;padding:.25em .5em}
.add{display:grid;grid-template-columns:1fr 140px auto;gap:10px;align-items:end;margin-top:18px}
.add label{display:flex;flex-direction:column;gap:4px}
.summary{justify-content:space-between;margin:0 0 14px}
@media (max-width:560px){.add{grid-template-columns:1fr 1fr}.add button{grid-column:1/-1}}
)css";

const char* const counter_body = R"html(
<div class="row summary">
  <span class="pill" id="total" aria-live="polite"></span>
  <button type="button" id="undo" class="ghost" disabled>Undo</button>
</div>
<div class="counters" id="counters"></div>
<form class="card add" id="add-form" autocomplete="off">
  <label for="new-name">New counter
    <input id="new-name" type="text" maxlength="60" placeholder="e.g. Push-ups" required>
  </label>
  <label for="new-goal">Goal (optional)
    <input id="new-goal" type="number" min="1" step="1" placeholder="e.g. 50">
  </label>
  <button type="submit">Add counter</button>
</form>
)html";

const char* const counter_js = R"js(
let counters = store.get("counters", null);
if (!Array.isArray(counters) || counters.length === 0) {
  counters = [{ id: uid(), name: CONFIG.name, value: 0, step: 1, goal: CONFIG.goal }];
}
const history = [];

function save() { store.set("counters", counters); }

function change(c, delta) {
  history.push({ id: c.id, value: c.value });
  if (history.length > 50) history.shift();
  c.value = c.value + delta;
  if (!CONFIG.allowNegative && c.value < 0) c.value = 0;
  save();
  render(c.id);
  announce(c.name + ": " + c.value + (c.goal ? " of " + c.goal : ""));
  if (c.goal && c.value === c.goal) announce(c.name + ": goal reached!");
}

function card(c) {
  const value = h("div", { class: "value", text: String(c.value), "aria-label": c.name + " value" });
  const goal = c.goal ? h("div", { class: "goal", role: "progressbar", "aria-label": "Progress to goal",
    "aria-valuemin": "0", "aria-valuemax": String(c.goal), "aria-valuenow": String(Math.min(c.value, c.goal)) },
    h("span", { style: "width:" + Math.min(100, 100 * c.value / c.goal) + "%" })) : null;
  return h("section", { class: "card counter", "data-id": c.id, "aria-label": c.name },
    h("input", { class: "name", type: "text", value: c.name, maxLength: 60, "aria-label": "Counter name",
      onchange: (e) => { c.name = e.target.value.trim() || "Counter"; save(); } }),
    value,
    goal,
    c.goal ? h("div", { class: "muted", text: c.value >= c.goal ? "Goal reached \u2713" : (c.goal - c.value) + " to go (goal " + c.goal + ")" }) : null,
    h("div", { class: "row big" },
      h("button", { type: "button", class: "ghost", "aria-label": "Decrease " + c.name, text: "\u2212", onclick: () => change(c, -c.step) }),
      h("button", { type: "button", "aria-label": "Increase " + c.name, text: "+", onclick: () => change(c, c.step) })),
    h("div", { class: "row small" },
      h("label", { class: "row", text: "Step " },
        h("select", { "aria-label": "Step for " + c.name, onchange: (e) => { c.step = Number(e.target.value); save(); } },
          [1, 2, 5, 10, 100].map((n) => h("option", { value: String(n), selected: n === c.step, text: String(n) })))),
      h("button", { type: "button", class: "ghost", text: "Reset", onclick: () => { if (c.value !== 0) change(c, -c.value); } }),
      counters.length > 1 ? h("button", { type: "button", class: "danger", text: "Remove",
        onclick: () => { if (confirm("Remove \u201c" + c.name + "\u201d?")) { counters = counters.filter((x) => x !== c); save(); render(); } } }) : null));
}

function render(bumpId) {
  $("#counters").replaceChildren(...counters.map(card));
  const total = counters.reduce((s, c) => s + c.value, 0);
  $("#total").textContent = counters.length > 1 ? "Total: " + total + " across " + counters.length + " counters" : "Keys: + and \u2212 change the first counter";
  $("#undo").disabled = history.length === 0;
  if (bumpId) {
    const v = $('[data-id="' + bumpId + '"] .value');
    if (v) { v.classList.remove("bump"); void v.offsetWidth; v.classList.add("bump"); }
  }
}

$("#undo").addEventListener("click", () => {
  const last = history.pop();
  const c = last && counters.find((x) => x.id === last.id);
  if (c) { c.value = last.value; save(); announce("Undone: " + c.name + " back to " + c.value); }
  render(c && c.id);
});
$("#add-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const name = $("#new-name").value.trim();
  if (!name) return;
  const goal = Math.max(0, Math.round(Number($("#new-goal").value) || 0));
  counters.push({ id: uid(), name, value: 0, step: 1, goal });
  $("#new-name").value = "";
  $("#new-goal").value = "";
  save();
  render();
  announce("Added counter " + name);
});
document.addEventListener("keydown", (e) => {
  if (e.target.closest && e.target.closest("input,textarea,select")) return;
  if (e.key === "+" || e.key === "=" || e.key === "ArrowUp") { e.preventDefault(); change(counters[0], counters[0].step); }
  if (e.key === "-" || e.key === "ArrowDown") { e.preventDefault(); change(counters[0], -counters[0].step); }
});
render();
)js";

} // namespace

std::vector<app_file> counter_webapp(const prompt_traits& t, const std::string& title) {
  page_parts p;
  p.title = title;
  p.default_accent = "#0d9488";
  p.css = counter_css;
  p.body = counter_body;
  p.js = counter_js;
  // "a counter for glasses of water" names the first counter.
  auto name = t.subject.empty() ? std::string{"Count"} : capitalise(t.subject);
  long long goal = 0;
  for (auto n : t.numbers)
    if (n > 0 && n <= 1000000) {
      goal = n;
      break;
    }
  p.subtitle = goal ? "Count up to your goal of " + std::to_string(goal)
                        + ". Everything is saved in this browser."
                    : "Tap + to count. Add as many counters as you need; they are saved in this browser.";
  p.config = {{"storageKey", "counter"},
              {"name", name},
              {"goal", goal},
              {"allowNegative", t.has_any({"negative", "negatif", "score", "points"})}};
  return {{"index.html", render_page(t, p)}};
}

} // namespace spawn
