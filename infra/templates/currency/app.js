let rates = store.get("rates", null) || CONFIG.rates.map((r) => ({ from: r.from, to: r.to, rate: r.rate }));
function codes() { return [...new Set(rates.flatMap((r) => [r.from, r.to]))]; }
// Rate between any two currencies through the stated pairs (breadth-first).
function rate(a, b) {
  if (a === b) return 1;
  const edges = rates.flatMap((r) => [[r.from, r.to, r.rate], [r.to, r.from, 1 / r.rate]]);
  const seen = new Map([[a, 1]]), queue = [a];
  while (queue.length) {
    const c = queue.shift();
    for (const [x, y, k] of edges) if (x === c && !seen.has(y)) { seen.set(y, seen.get(c) * k); queue.push(y); }
  }
  return seen.get(b);
}
function fillSelects() {
  const keep = [$("#from").value, $("#to").value];
  for (const sel of ["#from", "#to"]) $(sel).replaceChildren(...codes().map((c) => h("option", { value: c, text: c })));
  $("#from").value = codes().includes(keep[0]) ? keep[0] : rates[0].from;
  $("#to").value = codes().includes(keep[1]) ? keep[1] : rates[0].to;
}
function money(v, code) { try { return new Intl.NumberFormat("en", { style: "currency", currency: code }).format(v); } catch (e) { return v.toFixed(2) + " " + code; } }
function update() {
  const amount = parseFloat($("#amount").value), a = $("#from").value, b = $("#to").value, k = rate(a, b);
  $("#result").textContent = !Number.isFinite(amount) ? "Type an amount." : k === undefined ? "No rate links " + a + " and " + b + "." : money(amount, a) + " = " + money(amount * k, b) + "  (" + (Math.round(amount * k * 100) / 100).toFixed(2) + " " + b + ")";
  $("#rates").replaceChildren(...rates.map((r, i) => h("div", {}, h("span", { text: "1 " + r.from + " = " + r.rate + " " + r.to }),
    h("button", { type: "button", class: "icon", "aria-label": "Remove rate " + r.from + " " + r.to, text: "\u2715", onclick: () => { if (rates.length > 1) { rates.splice(i, 1); store.set("rates", rates); fillSelects(); update(); } } }))));
}
$("#rate-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const from = $("#rate-from").value.trim().toUpperCase(), to = $("#rate-to").value.trim().toUpperCase(), value = parseFloat($("#rate-value").value);
  if (!/^[A-Z]{3}$/.test(from) || !/^[A-Z]{3}$/.test(to) || !(value > 0)) return;
  rates = rates.filter((r) => !(r.from === from && r.to === to));
  rates.push({ from, to, rate: value });
  store.set("rates", rates);
  fillSelects(); update();
});
for (const id of ["#amount", "#from", "#to"]) $(id).addEventListener("input", update);
$("#swap").addEventListener("click", () => { const a = $("#from").value; $("#from").value = $("#to").value; $("#to").value = a; update(); });
fillSelects();
update();
