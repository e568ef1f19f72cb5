let people = store.get("people", null) || CONFIG.people.slice();
let expenses = store.get("expenses", []);
const money = (v) => v.toFixed(2);
function save() { store.set("people", people); store.set("expenses", expenses); render(); }
function render() {
  $("#payer").replaceChildren(...people.map((p) => h("option", { value: p, text: p })));
  const paid = Object.fromEntries(people.map((p) => [p, 0]));
  let total = 0;
  for (const e of expenses) { paid[e.payer] = (paid[e.payer] || 0) + e.amount; total += e.amount; }
  const share = people.length ? total / people.length : 0;
  const balance = people.map((p) => ({ p, v: Math.round(((paid[p] || 0) - share) * 100) / 100 }));
  $("#balances").replaceChildren(...balance.map((b) => h("li", {}, h("span", { text: b.p + " paid " + money(paid[b.p] || 0) }),
    h("b", { class: b.v > 0 ? "pos" : b.v < 0 ? "neg" : "", text: (b.v > 0 ? "+" : "") + money(b.v) }))));
  // Greedy settle-up: the largest debtor pays the largest creditor.
  const debt = balance.filter((b) => b.v < 0).map((b) => ({ ...b, v: -b.v })).sort((a, b) => b.v - a.v);
  const cred = balance.filter((b) => b.v > 0).sort((a, b) => b.v - a.v);
  const moves = [];
  for (let i = 0, j = 0; i < debt.length && j < cred.length;) {
    const x = Math.min(debt[i].v, cred[j].v);
    if (x >= 0.01) moves.push(debt[i].p + " owes " + cred[j].p + " " + money(x));
    debt[i].v -= x; cred[j].v -= x;
    if (debt[i].v < 0.01) i++;
    if (cred[j].v < 0.01) j++;
  }
  $("#settle").replaceChildren(...(moves.length ? moves : ["Everyone is even."]).map((m) => h("li", { text: m })));
  $("#total").textContent = money(total) + " total";
  $("#expenses").replaceChildren(...expenses.map((e) => h("li", {}, h("span", { text: e.what + " \u2014 " + e.payer }), h("span", {}, money(e.amount) + " ",
    h("button", { type: "button", class: "icon", "aria-label": "Remove " + e.what, text: "\u2715", onclick: () => { expenses = expenses.filter((x) => x !== e); save(); } })))));
}
$("#add-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const amount = Math.round(parseFloat($("#amount").value) * 100) / 100;
  if (!(amount > 0) || !people.length) return;
  expenses.push({ id: uid(), what: $("#what").value.trim() || "Expense", amount, payer: $("#payer").value });
  $("#what").value = ""; $("#amount").value = "";
  save();
});
$("#person-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const p = $("#person").value.trim();
  if (p && !people.includes(p)) { people.push(p); $("#person").value = ""; save(); }
});
render();
