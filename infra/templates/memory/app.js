const symbols = ["🍎","🚀","🐱","🌵","🎈","🍩","⚽","🎸","🌙","🐢","🍕","🦊","🌻","🎲","🐙","🍉","⭐","🚲"];
const pairs = Math.min(symbols.length, Math.max(2, Number(CONFIG.pairs) || 8));
let deck = [], open = [], moves = 0, found = 0, started = 0, tick = null;
function shuffle(a) { for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; } return a; }
function restart() {
  deck = shuffle(symbols.slice(0, pairs).flatMap((s) => [s, s])).map((s, i) => ({ id: i, s, up: false, done: false }));
  open = []; moves = 0; found = 0; started = 0; clearInterval(tick); $("#clock").textContent = "0 s"; $("#status").textContent = "";
  render();
}
function render() {
  $("#moves").textContent = moves; $("#found").textContent = found + "/" + pairs;
  $("#cards").replaceChildren(...deck.map((c) => h("button", { type: "button", class: c.done ? "done" : c.up ? "up" : "",
    "data-card": String(c.id), "aria-label": c.up || c.done ? "Card " + c.s : "Hidden card", text: c.up || c.done ? c.s : "?", onclick: () => flip(c) })));
}
function flip(c) {
  if (c.up || c.done || open.length === 2) return;
  if (!started) { started = Date.now(); tick = setInterval(() => { $("#clock").textContent = Math.round((Date.now() - started) / 1000) + " s"; }, 1000); }
  c.up = true; open.push(c);
  if (open.length === 2) {
    moves++;
    const [a, b] = open;
    if (a.s === b.s) { a.done = b.done = true; found++; open = []; if (found === pairs) { clearInterval(tick); $("#status").textContent = "All pairs found in " + moves + " moves!"; announce($("#status").textContent); } }
    else setTimeout(() => { a.up = b.up = false; open = []; render(); }, 700);
  }
  render();
}
$("#restart").addEventListener("click", restart);
restart();
