
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
