// Webapp template "quiz": multiple-choice questions on the prompt's topic
// (built-in banks, generated arithmetic, or your own questions), with
// feedback, explanations, a score, a review and a best score.

#include "infra/templates/templates.hpp"

namespace spawn {

namespace {

const char* const quiz_css = R"css(
.quiz{max-width:640px;margin:0 auto}
.progress{height:8px;background:var(--soft);border-radius:6px;overflow:hidden;margin:8px 0 18px}
.progress span{display:block;height:100%;background:var(--accent);transition:width .3s}
.question{font-size:1.25rem;font-weight:700;margin:0 0 16px}
.choices{display:grid;gap:10px}
.choice{text-align:left;background:var(--card);color:var(--fg);border:2px solid var(--border);font-weight:500;padding:.8em 1em;display:flex;gap:12px;align-items:center}
.choice:hover:not(:disabled){border-color:var(--accent);filter:none}
.choice .key{display:inline-grid;place-items:center;width:28px;height:28px;border-radius:8px;background:var(--soft);color:var(--muted);font-size:.85rem;flex:none}
.choice.right{border-color:var(--ok);background:color-mix(in srgb,var(--ok) 14%,var(--card))}
.choice.wrong{border-color:var(--danger);background:color-mix(in srgb,var(--danger) 12%,var(--card))}
.choice:disabled{opacity:1;cursor:default}
.feedback{margin:16px 0 0;padding:12px 14px;border-radius:10px;background:var(--soft)}
.score{font-size:3rem;font-weight:800;color:var(--accent);margin:0}
.center{text-align:center}
.review{list-style:none;padding:0;text-align:left}
.review li{padding:10px 0;border-bottom:1px solid var(--border)}
.add-q{margin-top:16px}
.add-q .grid{display:grid;grid-template-columns:1fr 1fr;gap:10px;margin:10px 0}
.add-q label{display:flex;flex-direction:column;gap:4px}
.note{background:var(--soft);border-radius:10px;padding:10px 14px}
@media (max-width:560px){.add-q .grid{grid-template-columns:1fr}}
)css";

const char* const quiz_body = R"html(
<section class="card quiz" id="screen" aria-live="polite"></section>
<details class="card quiz add-q" id="add-box">
  <summary><strong>Add your own question</strong></summary>
  <form id="add-form" autocomplete="off">
    <label for="aq-q" style="display:block;margin-top:10px">Question
      <input id="aq-q" type="text" required maxlength="200"></label>
    <div class="grid">
      <label for="aq-0">Correct answer<input id="aq-0" type="text" required maxlength="100"></label>
      <label for="aq-1">Wrong answer<input id="aq-1" type="text" required maxlength="100"></label>
      <label for="aq-2">Wrong answer (optional)<input id="aq-2" type="text" maxlength="100"></label>
      <label for="aq-3">Wrong answer (optional)<input id="aq-3" type="text" maxlength="100"></label>
    </div>
    <div class="row"><button type="submit">Save question</button><span id="custom-count" class="muted"></span>
      <button type="button" id="clear-custom" class="danger">Remove mine</button></div>
  </form>
</details>
)html";

const char* const quiz_js = R"js(
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
)js";

} // namespace

std::vector<app_file> quiz_webapp(const prompt_traits& t, const std::string& title) {
  page_parts p;
  p.title = title;
  p.default_accent = "#7c3aed";
  p.css = quiz_css;
  p.body = quiz_body;
  p.js = quiz_js;
  auto bank = quiz_bank_for(t);
  static const std::map<std::string, std::string> labels{
    {"", "General knowledge"},  {"space", "Space"},       {"geography", "Geography"},
    {"history", "History"},     {"science", "Science"},   {"programming", "Programming"},
    {"animals", "Animals"},     {"math", "Mental arithmetic"}};
  std::string note;
  if (bank.empty() && !t.topic.empty()) {
    auto topic = t.topic;
    note = "There are no built-in questions about \xe2\x80\x9c" + topic
           + "\xe2\x80\x9d yet, so here is general knowledge. Add your own questions about it below: "
             "they are saved in this browser and mixed in.";
  }
  long long length = 10;
  for (auto n : t.numbers)
    if (n >= 3 && n <= 30) {
      length = n;
      break;
    }
  p.subtitle = "Pick an answer, learn why, and try to beat your best score.";
  p.config = {{"storageKey", "quiz-" + (bank.empty() ? std::string{"general"} : bank)},
              {"bank", bank},
              {"topicLabel", labels.at(bank)},
              {"note", note},
              {"length", length},
              {"questions", quiz_questions(bank)}};
  return {{"index.html", render_page(t, p)}};
}

} // namespace spawn
