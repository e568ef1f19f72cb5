const banks = {
  animals: ["ELEPHANT", "GIRAFFE", "PENGUIN", "DOLPHIN", "KANGAROO", "OCTOPUS", "TIGER", "SQUIRREL"],
  fruits: ["BANANA", "APRICOT", "MANGO", "PINEAPPLE", "CHERRY", "BLUEBERRY", "LEMON", "AVOCADO"],
  countries: ["FRANCE", "BRAZIL", "CANADA", "JAPAN", "KENYA", "NORWAY", "MEXICO", "PORTUGAL"],
  space: ["PLANET", "COMET", "GALAXY", "ASTEROID", "NEBULA", "SATURN", "ROCKET", "ECLIPSE"],
  general: ["JAVASCRIPT", "KEYBOARD", "MOUNTAIN", "LIBRARY", "BICYCLE", "SANDWICH", "UMBRELLA", "WHISPER"]
};
const topic = Array.isArray(CONFIG.topic) && CONFIG.topic.length ? CONFIG.topic[0] : "general";
let word = "", guessed = new Set(), mistakes = 0, over = false;
$("#topic").textContent = topic;
function newWord() {
  const list = banks[topic] || banks.general;
  word = list[Math.floor(Math.random() * list.length)]; guessed = new Set(); mistakes = 0; over = false;
  $("#status").textContent = ""; render();
}
function render() {
  $("#word").textContent = [...word].map((c) => (guessed.has(c) || over ? c : "_")).join(" ");
  $("#mistakes").textContent = String(mistakes);
  $("#gallows").replaceChildren(...Array.from({ length: mistakes }, () => h("span", {})));
  $("#letters").replaceChildren(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("").map((c) => h("button", { type: "button", class: "ghost", "data-letter": c, text: c,
    disabled: over || guessed.has(c), onclick: () => guess(c) })));
}
function guess(c) {
  if (over || guessed.has(c)) return;
  guessed.add(c);
  if (!word.includes(c)) mistakes++;
  if ([...word].every((x) => guessed.has(x))) { over = true; $("#status").textContent = "You found " + word + "!"; }
  else if (mistakes >= 6) { over = true; $("#status").textContent = "Out of tries: the word was " + word + "."; }
  render();
  if (over) announce($("#status").textContent);
}
document.addEventListener("keydown", (e) => { if (/^[a-z]$/i.test(e.key) && !(e.target.closest && e.target.closest("input,textarea"))) guess(e.key.toUpperCase()); });
$("#new-word").addEventListener("click", newWord);
newWord();
