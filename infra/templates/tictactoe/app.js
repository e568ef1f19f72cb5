const names = { X: CONFIG.players[0] || "X", O: CONFIG.players[1] || "O" };
const lines = [[0,1,2],[3,4,5],[6,7,8],[0,3,6],[1,4,7],[2,5,8],[0,4,8],[2,4,6]];
let cells = Array(9).fill("");
let turn = "X";
let over = false;
const scores = store.get("scores", { X: 0, O: 0, D: 0 });
$("#vs-computer").checked = !!CONFIG.computer;

function label(p) { return names[p] === p ? p : names[p] + " (" + p + ")"; }
function winner() {
  for (const l of lines) if (cells[l[0]] && cells[l[0]] === cells[l[1]] && cells[l[1]] === cells[l[2]]) return l;
  return null;
}
function render(win) {
  $("#board").replaceChildren(...cells.map((c, i) => h("button", { type: "button", class: win && win.includes(i) ? "win" : "",
    "data-cell": String(i), "aria-label": "Cell " + (i + 1) + (c ? ": " + c : ""), text: c, disabled: over || !!c, onclick: () => play(i) })));
  $("#score-x").textContent = scores.X; $("#score-o").textContent = scores.O; $("#score-d").textContent = scores.D;
}
function finish(text, key) { over = true; scores[key]++; store.set("scores", scores); $("#status").textContent = text; announce(text); }
function play(i) {
  if (over || cells[i]) return;
  cells[i] = turn;
  const win = winner();
  if (win) { finish(label(turn) + " wins!", turn); render(win); return; }
  if (cells.every(Boolean)) { finish("It's a draw.", "D"); render(); return; }
  turn = turn === "X" ? "O" : "X";
  $("#status").textContent = label(turn) + " to play";
  render();
  if (turn === "O" && $("#vs-computer").checked) setTimeout(computerMove, 250);
}
function computerMove() {
  if (over) return;
  const free = cells.map((c, i) => (c ? -1 : i)).filter((i) => i >= 0);
  const tryFor = (p) => free.find((i) => { cells[i] = p; const w = winner(); cells[i] = ""; return w; });
  let pick = tryFor("O");
  if (pick === undefined) pick = tryFor("X");
  if (pick === undefined) pick = free.includes(4) ? 4 : free[Math.floor(Math.random() * free.length)];
  play(pick);
}
$("#new-game").addEventListener("click", () => { cells = Array(9).fill(""); turn = "X"; over = false; $("#status").textContent = label("X") + " to play"; render(); });
$("#status").textContent = label("X") + " to play";
render();
