// Webapp template "todo": a to-do / checklist / shopping list with
// priorities, due dates, filters and inline editing, kept in localStorage.

#include "infra/templates/templates.hpp"
#include "infra/templates/text_escape.hpp"

namespace spawn {

namespace {

const char* const todo_css = R"css(
.add{display:grid;grid-template-columns:1fr auto auto auto;gap:10px}
.toolbar{justify-content:space-between;margin-top:14px}
.filters button{padding:.35em .8em;font-weight:500}
.meter{height:6px;background:var(--soft);border-radius:6px;overflow:hidden;margin-top:12px}
.meter span{display:block;height:100%;width:0;background:var(--accent);transition:width .3s}
.list{list-style:none;margin:10px 0 0;padding:0}
.item{display:flex;align-items:center;gap:12px;padding:10px 6px;border-bottom:1px solid var(--border)}
.item:last-child{border-bottom:0}
.item input[type=checkbox]{width:20px;height:20px;flex:none;cursor:pointer}
.item .text{flex:1;min-width:0;overflow-wrap:anywhere;cursor:text;font-weight:400;font-size:1rem}
.item.done .text{text-decoration:line-through;color:var(--muted)}
.item .edit{flex:1}
.dot{width:9px;height:9px;border-radius:50%;flex:none;background:var(--border)}
.dot.high{background:var(--danger)}
.dot.low{background:var(--ok)}
.due{font-size:.8rem;white-space:nowrap}
.due.late{background:var(--danger);color:#fff}
.foot-row{justify-content:space-between;margin-top:12px}
@media (max-width:640px){.add{grid-template-columns:1fr 1fr}.add input[type=text]{grid-column:1/-1}.add button{grid-column:1/-1}}
)css";

const char* const todo_body = R"html(
<section class="card" aria-label="List">
  <form id="add-form" class="add" autocomplete="off">
    <label for="new-text" class="sr-only">New entry</label>
    <input id="new-text" type="text" maxlength="200" required>
    <label for="new-priority" class="sr-only">Priority</label>
    <select id="new-priority">
      <option value="normal">Normal</option>
      <option value="high">High priority</option>
      <option value="low">Low priority</option>
    </select>
    <label for="new-due" class="sr-only">Due date (optional)</label>
    <input id="new-due" type="date">
    <button type="submit">Add</button>
  </form>
  <div class="row toolbar">
    <div class="row filters" role="group" aria-label="Show">
      <button type="button" class="ghost" data-filter="all" aria-pressed="true">All</button>
      <button type="button" class="ghost" data-filter="active" aria-pressed="false">To do</button>
      <button type="button" class="ghost" data-filter="done" aria-pressed="false">Done</button>
    </div>
    <label class="row muted" for="sort">Sort
      <select id="sort" style="width:auto">
        <option value="added">by order added</option>
        <option value="priority">by priority</option>
        <option value="due">by due date</option>
      </select>
    </label>
  </div>
  <div class="meter" aria-hidden="true"><span id="meter"></span></div>
  <ul id="list" class="list"></ul>
  <p id="empty" class="empty"></p>
  <div class="row foot-row">
    <span id="count" class="muted" aria-live="polite"></span>
    <button type="button" id="clear-done" class="danger">Clear completed</button>
  </div>
</section>
<p class="muted" style="font-size:.85rem">Tip: double-click an entry to edit it, press Enter to save or Escape to cancel.</p>
)html";

const char* const todo_js = R"js(
const noun = CONFIG.noun;
let items = store.get("items", null);
if (!Array.isArray(items)) {
  items = CONFIG.seed.map((text) => ({ id: uid(), text, done: false, priority: "normal", due: "" }));
}
let filter = "all";
let sortBy = store.get("sort", "added");
const rank = { high: 0, normal: 1, low: 2 };

$("#new-text").placeholder = CONFIG.placeholder;
$("#list").setAttribute("aria-label", CONFIG.listLabel);
$("#sort").value = sortBy;

function save() { store.set("items", items); }

function today() {
  const d = new Date();
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}

function visible() {
  const shown = items.filter((it) => filter === "all" || (filter === "done") === it.done);
  if (sortBy === "priority") return shown.slice().sort((a, b) => rank[a.priority] - rank[b.priority]);
  if (sortBy === "due") return shown.slice().sort((a, b) => (a.due || "9999") < (b.due || "9999") ? -1 : 1);
  return shown;
}

function startEdit(li, item) {
  const input = h("input", { type: "text", class: "edit", value: item.text, maxLength: 200, "aria-label": "Edit " + noun });
  const text = $(".text", li);
  text.replaceWith(input);
  input.focus();
  input.select();
  let finished = false;
  const finish = (keep) => {
    if (finished) return;
    finished = true;
    const value = input.value.trim();
    if (keep && value) item.text = value;
    save();
    render();
  };
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") finish(true);
    if (e.key === "Escape") finish(false);
  });
  input.addEventListener("blur", () => finish(true));
}

function row(item) {
  const checkId = "check-" + item.id;
  const li = h("li", { class: "item" + (item.done ? " done" : "") },
    h("input", { type: "checkbox", id: checkId, checked: item.done,
      onchange: () => { item.done = !item.done; save(); render(); announce(item.text + (item.done ? " done" : " not done")); } }),
    h("span", { class: "dot " + item.priority, title: item.priority + " priority" }),
    h("label", { class: "text", for: checkId, text: item.text }),
    item.due ? h("span", { class: "pill due" + (!item.done && item.due < today() ? " late" : ""), text: item.due < today() && !item.done ? "overdue " + item.due : "due " + item.due }) : null,
    h("button", { type: "button", class: "icon", "aria-label": "Edit " + item.text, text: "\u270e", onclick: () => startEdit(li, item) }),
    h("button", { type: "button", class: "icon", "aria-label": "Delete " + item.text, text: "\u2715",
      onclick: () => { items = items.filter((x) => x !== item); save(); render(); announce("Deleted " + item.text); } }));
  $(".text", li).addEventListener("dblclick", (e) => { e.preventDefault(); startEdit(li, item); });
  return li;
}

function render() {
  const list = $("#list");
  list.replaceChildren(...visible().map(row));
  const done = items.filter((it) => it.done).length;
  const left = items.length - done;
  $("#count").textContent = items.length ? left + " left \u00b7 " + done + " done" : "";
  $("#meter").style.width = items.length ? (100 * done / items.length) + "%" : "0";
  $("#clear-done").hidden = done === 0;
  const empty = $("#empty");
  empty.hidden = list.children.length > 0;
  empty.textContent = items.length === 0 ? CONFIG.emptyText : "Nothing in this view.";
  for (const b of $$("[data-filter]")) b.setAttribute("aria-pressed", String(b.dataset.filter === filter));
}

$("#add-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const input = $("#new-text");
  const text = input.value.trim();
  if (!text) return;
  items.push({ id: uid(), text, done: false, priority: $("#new-priority").value, due: $("#new-due").value });
  input.value = "";
  $("#new-due").value = "";
  $("#new-priority").value = "normal";
  save();
  render();
  announce("Added " + text);
  input.focus();
});
for (const b of $$("[data-filter]")) b.addEventListener("click", () => { filter = b.dataset.filter; render(); });
$("#sort").addEventListener("change", (e) => { sortBy = e.target.value; store.set("sort", sortBy); render(); });
$("#clear-done").addEventListener("click", () => {
  const n = items.filter((it) => it.done).length;
  if (n && confirm("Remove " + n + " completed " + (n === 1 ? noun : noun + "s") + "?")) {
    items = items.filter((it) => !it.done);
    save();
    render();
  }
});
render();
)js";

} // namespace

std::vector<app_file> todo_webapp(const prompt_traits& t, const std::string& title) {
  page_parts p;
  p.title = title;
  p.default_accent = "#2563eb";
  p.css = todo_css;
  p.body = todo_body;
  p.js = todo_js;
  std::string noun = "task";
  std::string placeholder = "What needs to be done?";
  std::string subtitle = "Plan it, tick it off. Your list is saved in this browser.";
  if (t.has_any({"shopping", "grocery", "groceries", "courses", "supermarket"})) {
    noun = "item";
    placeholder = "Add an item, e.g. milk";
    subtitle = "Everything to buy, in one list that stays in this browser.";
  } else if (t.has_any({"packing", "pack", "trip", "travel", "voyage", "valise"})) {
    noun = "item";
    placeholder = "Something to pack, e.g. passport";
    subtitle = "Pack without forgetting anything.";
  } else if (t.has_any({"bucket list", "goals", "goal", "objectifs", "resolutions"})) {
    noun = "goal";
    placeholder = "A goal, e.g. run a half marathon";
    subtitle = "Big or small, write it down and tick it off.";
  } else if (t.has_any({"chores", "menage", "cleaning", "household"})) {
    noun = "chore";
    placeholder = "A chore, e.g. water the plants";
  }
  // Items the prompt lists ("a checklist with passport, tickets and charger").
  nlohmann::json seed = nlohmann::json::array();
  for (auto& f : t.fields)
    seed.push_back(capitalise(f));
  p.subtitle = subtitle;
  p.config = {{"storageKey", "todo"},
              {"noun", noun},
              {"placeholder", placeholder},
              {"listLabel", noun == "task" ? "Tasks" : noun == "goal" ? "Goals" : "Items"},
              {"emptyText", "Nothing here yet: add your first " + noun + " above."},
              {"seed", seed}};
  return {{"index.html", render_page(t, p)}};
}

} // namespace spawn
