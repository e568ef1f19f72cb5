
const KEYS = ["(", ")", "%", "AC", "7", "8", "9", "\u00f7", "4", "5", "6", "\u00d7", "1", "2", "3", "\u2212", "0", ".", "\u232b", "+", "="];
const OPS = { "\u00f7": "/", "\u00d7": "*", "\u2212": "-", "+": "+" };
let expr = "";
let history = store.get("history", []);
let justEvaluated = false;

/** Parses and evaluates + - * / % and parentheses; throws on bad input. */
function evaluate(text) {
  const tokens = text.replace(/\u00f7/g, "/").replace(/\u00d7/g, "*").replace(/\u2212/g, "-").match(/\d*\.?\d+(?:e[+-]?\d+)?|\d+\.|[-+*/%()]/g) || [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  function primary() {
    const t = next();
    if (t === "(") { const v = sum(); if (next() !== ")") throw new Error("Missing )"); return v; }
    if (t === "-") return -primary();
    if (t === "+") return primary();
    if (t !== undefined && /^[\d.]/.test(t)) return parseFloat(t);
    throw new Error("Incomplete expression");
  }
  function postfix() { let v = primary(); while (peek() === "%") { next(); v /= 100; } return v; }
  function product() {
    let v = postfix();
    while (peek() === "*" || peek() === "/" || peek() === "(") {
      const op = peek() === "(" ? "*" : next();
      const r = postfix();
      if (op === "/" && r === 0) throw new Error("Can't divide by zero");
      v = op === "*" ? v * r : v / r;
    }
    return v;
  }
  function sum() { let v = product(); while (peek() === "+" || peek() === "-") { const op = next(); const r = product(); v = op === "+" ? v + r : v - r; } return v; }
  if (tokens.length === 0) return 0;
  const v = sum();
  if (i < tokens.length) throw new Error("Unexpected " + tokens[i]);
  if (!isFinite(v)) throw new Error("Too large");
  return v;
}

function format(v) {
  const n = Number(v.toPrecision(12));
  return Math.abs(n) >= 1e15 || (n !== 0 && Math.abs(n) < 1e-9) ? n.toExponential(6) : n.toLocaleString(undefined, { maximumFractionDigits: 10 });
}

function show() {
  $("#expr").textContent = expr || "\u00a0";
  const out = $("#result");
  out.classList.remove("err");
  try { out.textContent = format(evaluate(expr)); }
  catch (e) { out.textContent = justEvaluated ? e.message : (out.textContent || "0"); if (justEvaluated) out.classList.add("err"); }
}

function press(key) {
  if (key === "AC") { expr = ""; justEvaluated = false; }
  else if (key === "\u232b") { expr = expr.slice(0, -1); justEvaluated = false; }
  else if (key === "=") {
    justEvaluated = true;
    try {
      const value = evaluate(expr);
      if (expr) {
        history.unshift({ expr, value: format(value) });
        history = history.slice(0, 30);
        store.set("history", history);
      }
      show();
      expr = String(Number(value.toPrecision(12)));
      renderHistory();
      return;
    } catch (e) { show(); return; }
  } else {
    if (justEvaluated && /[\d.(]/.test(key)) expr = "";
    justEvaluated = false;
    const last = expr.slice(-1);
    if (OPS[key] && OPS[last] && key !== "\u2212") expr = expr.slice(0, -1);
    if (key === "." && /\.\d*$/.test(expr)) return;
    expr += key;
  }
  show();
}

function renderHistory() {
  $("#history").replaceChildren(...history.map((item) => h("li", {}, h("button", { type: "button",
    "aria-label": item.expr + " equals " + item.value, onclick: () => { expr = item.expr; justEvaluated = false; show(); } },
    h("small", { text: item.expr + " =" }), item.value))));
  $("#no-history").hidden = history.length > 0;
}

$("#keys").replaceChildren(...KEYS.map((k) => h("button", { type: "button",
  class: k === "=" ? "eq" : OPS[k] ? "op" : /[\d.]/.test(k) ? "" : "fn",
  "aria-label": { "\u232b": "Delete", "AC": "Clear", "\u00f7": "Divide", "\u00d7": "Multiply", "\u2212": "Minus", "%": "Percent" }[k] || k,
  text: k, onclick: () => press(k) })));
$("#clear-history").addEventListener("click", () => { history = []; store.set("history", history); renderHistory(); });
document.addEventListener("keydown", (e) => {
  if (e.target.closest && e.target.closest("input,select,textarea")) return;
  const map = { "/": "\u00f7", "*": "\u00d7", "x": "\u00d7", "-": "\u2212", "+": "+", "Enter": "=", "=": "=", "Backspace": "\u232b", "Escape": "AC", "Delete": "AC", ",": "." };
  const key = map[e.key] || (/^[\d.()%]$/.test(e.key) ? e.key : null);
  if (key) { e.preventDefault(); press(key); }
});

/** Optional panel for a specific calculation the prompt asked for. */
const EXTRAS = {
  tip: { title: "Tip", digits: 2, fields: [["bill", "Bill amount", 50], ["tip", "Tip %", 15], ["people", "People", 2]],
    run: (v) => { const tip = v.bill * v.tip / 100; const total = v.bill + tip; return [["Tip", tip], ["Total", total], ["Each person pays", total / Math.max(1, v.people)]]; } },
  bmi: { title: "Body mass index", digits: 1, fields: [["weight", "Weight (kg)", 70], ["height", "Height (cm)", 175]],
    run: (v) => { const bmi = v.weight / Math.pow(v.height / 100, 2); const label = bmi < 18.5 ? "underweight" : bmi < 25 ? "healthy range" : bmi < 30 ? "overweight" : "obese range"; return [["BMI", bmi], ["Category", label]]; } },
  loan: { title: "Loan payment", digits: 2, fields: [["amount", "Amount", 200000], ["rate", "Yearly rate %", 3.5], ["years", "Years", 25]],
    run: (v) => { const n = v.years * 12; const r = v.rate / 1200; const pay = r ? v.amount * r / (1 - Math.pow(1 + r, -n)) : v.amount / n; return [["Monthly payment", pay], ["Total paid", pay * n], ["Total interest", pay * n - v.amount]]; } }
};
if (CONFIG.extra && EXTRAS[CONFIG.extra]) {
  const spec = EXTRAS[CONFIG.extra];
  const box = $("#extra");
  const answer = h("div", { class: "answer", "aria-live": "polite" });
  const inputs = spec.fields.map(([id, label, value]) => h("label", { for: "x-" + id }, label,
    h("input", { id: "x-" + id, type: "number", step: "any", min: "0", value: String(store.get("x-" + id, value)), oninput: update })));
  function update() {
    const v = {};
    for (const [id] of spec.fields) { v[id] = Number($("#x-" + id).value) || 0; store.set("x-" + id, v[id]); }
    const rows = spec.run(v);
    answer.replaceChildren(...rows.map(([k, val]) => h("div", {}, k + ": ", h("b", { text: typeof val === "number" ? (isFinite(val) ? val.toLocaleString(undefined, { minimumFractionDigits: spec.digits, maximumFractionDigits: spec.digits }) : "\u2014") : val }))));
  }
  box.append(h("h2", { text: spec.title }), h("div", { class: "grid" }, inputs), answer);
  box.hidden = false;
  box.style.margin = "0 0 16px";
  box.parentNode.insertBefore(box, $(".calc-wrap"));
  update();
}
renderHistory();
show();
