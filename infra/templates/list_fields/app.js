const days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const cols = CONFIG.columns.length ? CONFIG.columns : ["Quantity"];
const key = (c) => c.toLowerCase().replace(/\s+/g, "_");
let items = store.get("items", []);
const inputs = {
  Quantity: () => h("input", { id: "f-quantity", type: "number", min: "0", step: "any", value: "1" }),
  Rating: () => h("select", { id: "f-rating" }, [5, 4, 3, 2, 1].map((n) => h("option", { value: String(n), text: "\u2605".repeat(n) + " (" + n + ")" }))),
  "Due date": () => h("input", { id: "f-due_date", type: "date" }),
  Weekday: () => h("select", { id: "f-weekday" }, days.map((d) => h("option", { value: d, text: d }))),
  Price: () => h("input", { id: "f-price", type: "number", min: "0", step: "0.01", placeholder: "0.00" })
};
$("#extra-fields").replaceChildren(...cols.map((c) => h("label", { text: c }, inputs[c]())));
$("#sort").replaceChildren(h("option", { value: "", text: "Added" }), h("option", { value: "name", text: "Name" }), ...cols.map((c) => h("option", { value: key(c), text: c })));
$("#thead").replaceChildren(h("tr", {}, h("th", { text: "" }), h("th", { text: "Item" }), ...cols.map((c) => h("th", { text: c })), h("th", { text: "" })));
function cell(c, it) {
  const v = it[key(c)];
  if (c === "Rating") return h("td", { class: "stars", "aria-label": v + " stars", text: "\u2605".repeat(v) + "\u2606".repeat(5 - v) });
  if (c === "Due date") {
    const late = v && !it.done && v < new Date().toISOString().slice(0, 10);
    return h("td", { class: late ? "overdue" : "", text: v ? v + (late ? " (overdue)" : "") : "\u2013" });
  }
  if (c === "Price") return h("td", { text: v === "" || v === undefined ? "\u2013" : Number(v).toFixed(2) });
  return h("td", { text: v === "" || v === undefined ? "\u2013" : String(v) });
}
function sorted() {
  const s = $("#sort").value;
  if (!s) return items;
  return items.slice().sort((a, b) => {
    if (s === "weekday") return days.indexOf(a.weekday) - days.indexOf(b.weekday);
    if (s === "rating") return (b.rating || 0) - (a.rating || 0);
    return String(a[s] ?? "").localeCompare(String(b[s] ?? ""), undefined, { numeric: true });
  });
}
function render() {
  $("#items").replaceChildren(...sorted().map((it) => h("tr", { class: it.done ? "done" : "" },
    h("td", {}, h("input", { type: "checkbox", checked: it.done, "aria-label": "Done: " + it.name, onchange: () => { it.done = !it.done; save(); } })),
    h("td", { class: "name", text: it.name }), ...cols.map((c) => cell(c, it)),
    h("td", {}, h("button", { type: "button", class: "icon", "aria-label": "Remove " + it.name, text: "\u2715", onclick: () => { items = items.filter((x) => x !== it); save(); } })))));
  $("#empty").hidden = items.length > 0;
  $("#count").textContent = items.length + (items.length === 1 ? " item" : " items");
  const foot = [];
  if (cols.includes("Quantity")) foot.push("Total quantity: " + items.reduce((s, i) => s + (Number(i.quantity) || 0), 0));
  if (cols.includes("Price")) foot.push("Total: " + items.reduce((s, i) => s + (Number(i.price) || 0) * (cols.includes("Quantity") ? Number(i.quantity) || 1 : 1), 0).toFixed(2));
  if (cols.includes("Rating") && items.length) foot.push("Average rating: " + (items.reduce((s, i) => s + Number(i.rating || 0), 0) / items.length).toFixed(1));
  $("#tfoot").replaceChildren(h("tr", {}, h("td", { colspan: String(cols.length + 3), class: "muted", id: "totals", text: foot.join(" \u00b7 ") })));
}
function save() { store.set("items", items); render(); }
$("#sort").addEventListener("change", render);
$("#add-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const name = $("#f-name").value.trim();
  if (!name) return;
  const it = { id: uid(), name, done: false };
  for (const c of cols) { const el = $("#f-" + key(c)); it[key(c)] = c === "Rating" ? Number(el.value) : el.value; }
  items.push(it);
  $("#f-name").value = "";
  save();
  announce("Added " + name);
});
render();
