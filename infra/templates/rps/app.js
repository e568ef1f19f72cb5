const names = { rock: "Rock", paper: "Paper", scissors: "Scissors" };
const beats = { rock: "scissors", paper: "rock", scissors: "paper" };
const target = Number(CONFIG.target) || 5;
let score = store.get("score", { you: 0, cpu: 0 });
function show() { $("#you").textContent = score.you; $("#cpu").textContent = score.cpu; }
function play(move) {
  const cpu = Object.keys(names)[Math.floor(Math.random() * 3)];
  let text = "You: " + names[move] + " · Computer: " + names[cpu] + " — ";
  if (move === cpu) text += "Draw.";
  else if (beats[move] === cpu) { score.you++; text += "You win this round!"; }
  else { score.cpu++; text += "Computer wins this round."; }
  if (score.you >= target || score.cpu >= target) {
    text += score.you >= target ? " You win the match " : " Computer wins the match ";
    text += score.you + "–" + score.cpu + ". New match started.";
    score = { you: 0, cpu: 0 };
  }
  store.set("score", score);
  $("#result").textContent = text;
  show();
  announce(text);
}
document.querySelectorAll("[data-move]").forEach((b) => b.addEventListener("click", () => play(b.dataset.move)));
$("#reset").addEventListener("click", () => { score = { you: 0, cpu: 0 }; store.set("score", score); show(); $("#result").textContent = "Make your move."; });
show();
