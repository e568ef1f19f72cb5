const ROWS = 6, COLS = 7, names = { R: "Red", Y: "Yellow" };
let board, turn, over;
function reset() { board = Array.from({ length: ROWS }, () => Array(COLS).fill("")); turn = "R"; over = false; $("#status").textContent = "Red to play"; render([]); }
function line(r, c, dr, dc) {
  const p = board[r][c], cells = [];
  for (let k = 0; k < 4; k++) { const rr = r + dr * k, cc = c + dc * k; if (rr < 0 || rr >= ROWS || cc < 0 || cc >= COLS || board[rr][cc] !== p) return null; cells.push(rr * COLS + cc); }
  return cells;
}
function winner() {
  for (let r = 0; r < ROWS; r++) for (let c = 0; c < COLS; c++) if (board[r][c])
    for (const [dr, dc] of [[0, 1], [1, 0], [1, 1], [1, -1]]) { const l = line(r, c, dr, dc); if (l) return l; }
  return null;
}
function drop(c) {
  if (over) return;
  let r = ROWS - 1;
  while (r >= 0 && board[r][c]) r--;
  if (r < 0) return;
  board[r][c] = turn;
  const win = winner();
  if (win) { over = true; $("#status").textContent = names[turn] + " wins!"; render(win); announce($("#status").textContent); return; }
  if (board[0].every(Boolean)) { over = true; $("#status").textContent = "It's a draw."; render([]); return; }
  turn = turn === "R" ? "Y" : "R";
  $("#status").textContent = names[turn] + " to play";
  render([]);
}
function render(win) {
  $("#grid").replaceChildren(...board.flatMap((row, r) => row.map((v, c) => h("button", { type: "button", class: (v || "") + (win.includes(r * COLS + c) ? " win" : ""),
    "data-cell": r + "-" + c, "aria-label": "Column " + (c + 1) + (v ? ", " + names[v] : ""), onclick: () => drop(c) }))));
}
$("#new-game").addEventListener("click", reset);
reset();
