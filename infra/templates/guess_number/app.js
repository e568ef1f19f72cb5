const max = Number(CONFIG.max) || 100;
let secret = 0, tries = 0, done = false;
let best = store.get("best", null);
$("#guess").max = String(max);
function restart() {
  secret = 1 + Math.floor(Math.random() * max); tries = 0; done = false;
  $("#tries").textContent = "0"; $("#history").replaceChildren();
  $("#hint").textContent = "Type a number from 1 to " + max + " and press Guess."; $("#hint").className = "hint";
  $("#best").textContent = best ? String(best) : "\u2013";
}
$("#guess-form").addEventListener("submit", (e) => {
  e.preventDefault();
  if (done) return;
  const n = Math.round(Number($("#guess").value));
  if (!Number.isFinite(n) || n < 1 || n > max) { $("#hint").textContent = "Pick a whole number from 1 to " + max + "."; return; }
  tries++;
  $("#tries").textContent = String(tries);
  let text;
  if (n < secret) text = n + " is too low: go higher.";
  else if (n > secret) text = n + " is too high: go lower.";
  else {
    done = true;
    text = "Correct! " + n + " found in " + tries + (tries === 1 ? " try." : " tries.");
    if (!best || tries < best) { best = tries; store.set("best", best); $("#best").textContent = String(best); }
    $("#hint").className = "hint win";
  }
  $("#hint").textContent = text;
  $("#history").append(h("li", { text: n + (n < secret ? " \u2191" : n > secret ? " \u2193" : " \u2713") }));
  $("#guess").value = "";
  announce(text);
});
$("#restart").addEventListener("click", restart);
restart();
