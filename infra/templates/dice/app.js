const fromNotation = Array.isArray(CONFIG.dnotation) && CONFIG.dnotation.length ? Number(CONFIG.dnotation[0]) : 0;
$("#count").value = String(CONFIG.count || (fromNotation ? 1 : 2));
$("#sides").value = String(fromNotation || CONFIG.sides || 6);
const history = store.get("history", []);
function clamp(v, lo, hi, d) { v = Math.round(Number(v)); return Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : d; }
function renderHistory() { $("#history").replaceChildren(...history.slice(0, 10).map((r) => h("li", { text: r }))); }
function roll() {
  const n = clamp($("#count").value, 1, 20, 2), sides = clamp($("#sides").value, 2, 1000, 6);
  const values = Array.from({ length: n }, () => 1 + Math.floor(Math.random() * sides));
  $("#dice").replaceChildren(...values.map((v) => h("div", { class: "die rolling", "data-value": String(v), text: String(v) })));
  const total = values.reduce((a, b) => a + b, 0);
  $("#total").textContent = String(total);
  history.unshift(n + "d" + sides + ": " + values.join(" + ") + " = " + total);
  history.length = Math.min(history.length, 20);
  store.set("history", history);
  renderHistory();
  announce("Rolled " + values.join(", ") + ", total " + total);
}
$("#roll").addEventListener("click", roll);
document.addEventListener("keydown", (e) => { if (e.code === "Space" && !(e.target.closest && e.target.closest("input,button"))) { e.preventDefault(); roll(); } });
renderHistory();
