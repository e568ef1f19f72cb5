
const LETTERS = ["A", "B", "C", "D", "E", "F"];
let custom = store.get("custom", []);
let questions = [];
let index = 0;
let score = 0;
let missed = [];
const screen = $("#screen");

function shuffle(list) {
  const a = list.slice();
  for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; }
  return a;
}

function mathQuestions(n) {
  const out = [];
  for (let k = 0; k < n; k++) {
    const op = ["+", "\u2212", "\u00d7", "\u00f7"][k % 4];
    let a = 2 + Math.floor(Math.random() * 12);
    let b = 2 + Math.floor(Math.random() * 12);
    let r;
    if (op === "+") { a *= 3; b *= 4; r = a + b; }
    else if (op === "\u2212") { a = a * 5 + b; r = a - b; }
    else if (op === "\u00d7") r = a * b;
    else { r = a; a = a * b; }
    const wrong = new Set();
    while (wrong.size < 3) { const w = r + (Math.floor(Math.random() * 9) - 4 || 5); if (w !== r && w >= 0) wrong.add(w); }
    const choices = shuffle([r, ...wrong]).map(String);
    out.push({ q: "What is " + a + " " + op + " " + b + "?", choices, answer: choices.indexOf(String(r)), why: a + " " + op + " " + b + " = " + r + "." });
  }
  return out;
}

/** Shuffles the order of choices while keeping track of the right one. */
function prepared(q) {
  const order = shuffle(q.choices.map((_, i) => i));
  return { q: q.q, why: q.why || "", choices: order.map((i) => q.choices[i]), answer: order.indexOf(q.answer) };
}

function intro() {
  const best = store.get("best", null);
  const pool = (CONFIG.bank === "math" ? CONFIG.length : CONFIG.questions.length) + custom.length;
  const count = Math.min(pool, Math.max(CONFIG.length, custom.length));
  screen.replaceChildren(
    h("div", { class: "center stack" },
      h("p", { class: "pill", text: CONFIG.topicLabel }),
      h("h2", { text: count + " questions. Ready?" }),
      CONFIG.note ? h("p", { class: "note", text: CONFIG.note }) : null,
      best ? h("p", { class: "muted", text: "Best score so far: " + best.score + " / " + best.total }) : null,
      h("button", { type: "button", text: "Start the quiz", onclick: start })));
}

function start() {
  const base = CONFIG.bank === "math" ? mathQuestions(CONFIG.length) : CONFIG.questions;
  const pool = custom.concat(shuffle(base));
  questions = shuffle(pool.slice(0, Math.min(pool.length, Math.max(CONFIG.length, custom.length)))).map(prepared);
  index = 0;
  score = 0;
  missed = [];
  ask();
}

function ask() {
  const q = questions[index];
  const buttons = q.choices.map((c, i) => h("button", { type: "button", class: "choice", "data-i": String(i), onclick: () => answer(i) },
    h("span", { class: "key", "aria-hidden": "true", text: LETTERS[i] }), h("span", { text: c })));
  screen.replaceChildren(
    h("div", { class: "row", style: "justify-content:space-between" },
      h("span", { class: "muted", text: "Question " + (index + 1) + " of " + questions.length }),
      h("span", { class: "pill", text: "Score " + score })),
    h("div", { class: "progress", role: "progressbar", "aria-label": "Progress", "aria-valuemin": "0", "aria-valuemax": String(questions.length), "aria-valuenow": String(index) },
      h("span", { style: "width:" + (100 * index / questions.length) + "%" })),
    h("p", { class: "question", id: "q-text", text: q.q }),
    h("div", { class: "choices", role: "group", "aria-labelledby": "q-text" }, buttons),
    h("div", { id: "after" }));
  buttons[0].focus();
}

function answer(i) {
  const q = questions[index];
  const buttons = $$(".choice", screen);
  if (buttons.some((b) => b.disabled)) return;
  buttons.forEach((b) => { b.disabled = true; });
  buttons[q.answer].classList.add("right");
  const right = i === q.answer;
  if (right) score++;
  else { buttons[i].classList.add("wrong"); missed.push({ q: q.q, right: q.choices[q.answer], picked: q.choices[i], why: q.why }); }
  const last = index === questions.length - 1;
  const next = h("button", { type: "button", text: last ? "See my score" : "Next question", onclick: () => { index++; last ? finish() : ask(); } });
  $("#after").replaceChildren(h("p", { class: "feedback" }, h("strong", { text: right ? "Correct! " : "Not quite. The answer is " + q.choices[q.answer] + ". " }), q.why),
    h("div", { class: "row", style: "margin-top:14px" }, next));
  announce(right ? "Correct" : "Wrong, the answer is " + q.choices[q.answer]);
  next.focus();
}

function finish() {
  const total = questions.length;
  const pct = Math.round(100 * score / total);
  const best = store.get("best", null);
  const record = !best || score / total > best.score / best.total;
  if (record) store.set("best", { score, total });
  const verdict = pct === 100 ? "Perfect score!" : pct >= 80 ? "Excellent!" : pct >= 50 ? "Well done!" : "Keep practising, you'll get there.";
  screen.replaceChildren(
    h("div", { class: "center stack" },
      h("p", { class: "score", text: score + " / " + total }),
      h("h2", { text: verdict + (record && best ? " New best score." : "") }),
      h("p", { class: "muted", text: pct + "% correct" }),
      h("button", { type: "button", text: "Play again", onclick: start })),
    missed.length ? h("h2", { text: "To review", style: "margin-top:24px" }) : null,
    missed.length ? h("ul", { class: "review" }, missed.map((m) => h("li", {},
      h("strong", { text: m.q }), h("br"), h("span", { text: "Answer: " + m.right + " (you said " + m.picked + "). " }), h("span", { class: "muted", text: m.why })))) : null);
  announce("Quiz finished: " + score + " out of " + total);
}

function renderCustomCount() {
  $("#custom-count").textContent = custom.length ? custom.length + " of your questions included" : "";
  $("#clear-custom").hidden = custom.length === 0;
}

$("#add-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const q = $("#aq-q").value.trim();
  const choices = [0, 1, 2, 3].map((i) => $("#aq-" + i).value.trim()).filter(Boolean);
  if (!q || choices.length < 2) return;
  custom.push({ q, choices, answer: 0, why: "" });
  store.set("custom", custom);
  e.target.reset();
  renderCustomCount();
  intro();
  announce("Question saved");
});
$("#clear-custom").addEventListener("click", () => { custom = []; store.set("custom", custom); renderCustomCount(); intro(); });
document.addEventListener("keydown", (e) => {
  if (e.target.closest && e.target.closest("input,textarea,select")) return;
  const i = LETTERS.indexOf(e.key.toUpperCase());
  const buttons = $$(".choice", screen);
  if (i >= 0 && i < buttons.length && !buttons[i].disabled) { e.preventDefault(); answer(i); }
});
renderCustomCount();
intro();
