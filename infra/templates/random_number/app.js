let lo = Number(CONFIG.range.from), hi = Number(CONFIG.range.to);
if (!Number.isFinite(lo)) lo = 1;
if (!Number.isFinite(hi) || hi <= lo) hi = lo + 99;
$("#min").value = String(lo); $("#max").value = String(hi); $("#count").value = String(CONFIG.count || 1);
const history = [];
function rand(n) { const a = new Uint32Array(1); crypto.getRandomValues(a); return a[0] % n; }
$("#draw").addEventListener("click", () => {
  let a = Math.round(Number($("#min").value)), b = Math.round(Number($("#max").value));
  if (!Number.isFinite(a) || !Number.isFinite(b)) { $("#result").textContent = "Give two whole numbers."; return; }
  if (a > b) [a, b] = [b, a];
  const size = b - a + 1, n = Math.max(1, Math.min(100, Math.round(Number($("#count").value)) || 1));
  const unique = $("#unique").checked;
  if (unique && n > size) { $("#result").textContent = "Only " + size + " different numbers in that range."; return; }
  const out = [];
  while (out.length < n) { const v = a + rand(size); if (!unique || !out.includes(v)) out.push(v); }
  $("#result").textContent = out.join(", ");
  history.unshift(out.join(", "));
  $("#history").textContent = "Earlier: " + history.slice(1, 8).join(" \u00b7 ");
  announce("Drew " + out.join(", "));
});
