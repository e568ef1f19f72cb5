const passages = [
  "The quick brown fox jumps over the lazy dog while the sun sets behind the quiet hills.",
  "Practice makes progress: type a little every day and your speed will grow without you noticing.",
  "A good cup of coffee, a clear desk and a calm mind are the best tools for a long day of work.",
  "Rivers carve valleys slowly, one grain of sand at a time, until the landscape is changed for ever.",
  "Small steps taken often beat giant leaps taken rarely; keep going and the finish line comes closer."
];
let text = "", started = 0, timer = null, finished = false, best = store.get("best", 0);
const limit = Number(CONFIG.seconds) || 60;
function pickPassage() {
  text = passages[Math.floor(Math.random() * passages.length)];
  $("#typed").value = ""; $("#typed").disabled = false; started = 0; finished = false; clearInterval(timer);
  $("#wpm").textContent = "0"; $("#accuracy").textContent = "100%"; $("#time").textContent = "0"; $("#result").textContent = "";
  $("#best").textContent = best ? String(best) : "\u2013";
  paint("");
}
function paint(typed) {
  $("#passage").replaceChildren(...[...text].map((ch, i) => h("span", { class: i < typed.length ? (typed[i] === ch ? "ok" : "bad") : i === typed.length ? "cur" : "", text: ch })));
}
function stats() {
  const typed = $("#typed").value, secs = started ? (Date.now() - started) / 1000 : 0;
  let correct = 0;
  for (let i = 0; i < typed.length; i++) if (typed[i] === text[i]) correct++;
  const wpm = secs > 0 ? Math.round((correct / 5) / (secs / 60)) : 0;
  $("#wpm").textContent = String(wpm);
  $("#accuracy").textContent = (typed.length ? Math.round(100 * correct / typed.length) : 100) + "%";
  $("#time").textContent = String(Math.floor(secs));
  return { wpm, typed, secs };
}
function finish() {
  if (finished) return;
  finished = true; clearInterval(timer); $("#typed").disabled = true;
  const s = stats();
  if (s.wpm > best) { best = s.wpm; store.set("best", best); $("#best").textContent = String(best); }
  $("#result").textContent = "Done: " + s.wpm + " WPM at " + $("#accuracy").textContent + " accuracy in " + Math.round(s.secs) + " s.";
  announce($("#result").textContent);
}
$("#typed").addEventListener("input", () => {
  if (finished) return;
  if (!started) { started = Date.now(); timer = setInterval(() => { const s = stats(); if (s.secs >= limit) finish(); }, 250); }
  const s = stats();
  paint(s.typed);
  if (s.typed.length >= text.length) finish();
});
$("#restart").addEventListener("click", pickPassage);
pickPassage();
