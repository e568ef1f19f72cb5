
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
