const patterns = {
  box: [["Breathe in", 4, 1.9], ["Hold", 4, 1.9], ["Breathe out", 4, 1], ["Hold", 4, 1]],
  "478": [["Breathe in", 4, 1.9], ["Hold", 7, 1.9], ["Breathe out", 8, 1]],
  coherence: [["Breathe in", 5, 1.9], ["Breathe out", 5, 1]]
};
const wanted = Array.isArray(CONFIG.pattern) && CONFIG.pattern[0];
$("#pattern").value = store.get("pattern", wanted || "box");
let timer = null, phase = 0, left = 0, rounds = 0;
function steps() { return patterns[$("#pattern").value] || patterns.box; }
const cycle = () => steps().reduce((s, p) => s + p[1], 0);
const total = () => (CONFIG.minutes ? Math.max(1, Math.round(CONFIG.minutes * 60 / cycle())) : (CONFIG.rounds || 8));
function info() { $("#info").textContent = total() + " rounds of " + cycle() + " s (" + steps().map((p) => p[0].toLowerCase() + " " + p[1]).join(", ") + ")."; }
function enter(i) {
  phase = i; const [name, secs, scale] = steps()[i]; left = secs;
  $("#phase").textContent = name; $("#count").textContent = String(left);
  const c = $("#circle"); c.style.transitionDuration = secs + "s"; c.style.transform = "scale(" + scale + ")";
  announce(name);
}
function tick() {
  left--;
  if (left > 0) { $("#count").textContent = String(left); return; }
  if (phase + 1 < steps().length) { enter(phase + 1); return; }
  rounds++; $("#rounds-done").textContent = "Rounds: " + rounds + " of " + total();
  if (rounds >= total()) { stop(); $("#phase").textContent = "Well done"; return; }
  enter(0);
}
function start() { stop(); rounds = 0; $("#rounds-done").textContent = "Rounds: 0 of " + total(); enter(0); timer = setInterval(tick, 1000); $("#start").disabled = true; $("#stop").disabled = false; }
function stop() { clearInterval(timer); timer = null; $("#start").disabled = false; $("#stop").disabled = true; $("#count").textContent = ""; $("#phase").textContent = "Ready"; $("#circle").style.transform = "scale(1)"; }
$("#start").addEventListener("click", start);
$("#stop").addEventListener("click", stop);
$("#pattern").addEventListener("change", () => { store.set("pattern", $("#pattern").value); info(); });
info();
