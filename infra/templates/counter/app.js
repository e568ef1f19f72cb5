
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
