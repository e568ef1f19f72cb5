const weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const columns = CONFIG.columns.length >= 2 ? CONFIG.columns : CONFIG.weekly ? weekdays : ["To do", "In progress", "Done"];
let cards = store.get("cards", []);
$("#new-column").replaceChildren(...columns.map((c, i) => h("option", { value: String(i), text: c })));
function save() { store.set("cards", cards); render(); }
function move(card, by) { card.col = Math.max(0, Math.min(columns.length - 1, card.col + by)); save(); announce(card.text + " moved to " + columns[card.col]); }
function render() {
  $("#board").replaceChildren(...columns.map((name, col) => {
    const mine = cards.filter((c) => c.col === col);
    return h("section", { class: "column", "data-column": name, "aria-label": name },
      h("h2", {}, h("span", { text: name }), h("span", { class: "pill", text: String(mine.length) })),
      ...mine.map((c) => h("article", { class: "kcard" }, h("span", { text: c.text }),
        h("div", { class: "row" },
          h("button", { type: "button", class: "ghost", "aria-label": "Move " + c.text + " left", text: "\u2190", disabled: col === 0, onclick: () => move(c, -1) }),
          h("button", { type: "button", class: "ghost move-right", "aria-label": "Move " + c.text + " right", text: "\u2192", disabled: col === columns.length - 1, onclick: () => move(c, 1) }),
          h("button", { type: "button", class: "icon", "aria-label": "Delete " + c.text, text: "\u2715", onclick: () => { cards = cards.filter((x) => x !== c); save(); } })))));
  }));
}
$("#add-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("#new-card").value.trim();
  if (!text) return;
  cards.push({ id: uid(), text, col: Number($("#new-column").value) || 0 });
  $("#new-card").value = "";
  save();
});
render();
