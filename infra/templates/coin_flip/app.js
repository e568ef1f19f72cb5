const tally = store.get("tally", { heads: 0, tails: 0, last: [] });
function show() { $("#heads").textContent = tally.heads; $("#tails").textContent = tally.tails; $("#last").textContent = tally.last.length ? "Last flips: " + tally.last.join(", ") : ""; }
$("#flip").addEventListener("click", () => {
  const a = new Uint32Array(1); crypto.getRandomValues(a);
  const side = a[0] % 2 ? "Heads" : "Tails";
  tally[side.toLowerCase()]++;
  tally.last = [side].concat(tally.last).slice(0, 10);
  store.set("tally", tally);
  const coin = $("#coin"); coin.textContent = side; coin.classList.remove("spin"); void coin.offsetWidth; coin.classList.add("spin");
  show(); announce(side);
});
$("#reset").addEventListener("click", () => { tally.heads = tally.tails = 0; tally.last = []; store.set("tally", tally); $("#coin").textContent = "?"; show(); });
show();
