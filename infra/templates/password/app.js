const sets = { lower: "abcdefghijkmnopqrstuvwxyz", upper: "ABCDEFGHJKLMNPQRSTUVWXYZ", digits: "23456789", symbols: "!@#$%^&*()-_=+[]{};:,.?" };
$("#length").value = String(CONFIG.length || 16);
if (CONFIG.no_symbols) $("#symbols").checked = false;
function random(n) { const a = new Uint32Array(1); crypto.getRandomValues(a); return a[0] % n; }
function generate() {
  const len = Number($("#length").value);
  $("#length-value").textContent = String(len);
  const chosen = Object.keys(sets).filter((k) => $("#" + k).checked);
  if (!chosen.length) { $("#lower").checked = true; chosen.push("lower"); }
  const all = chosen.map((k) => sets[k]).join("");
  // One of each chosen set, then the rest, then shuffled.
  const chars = chosen.map((k) => sets[k][random(sets[k].length)]);
  while (chars.length < len) chars.push(all[random(all.length)]);
  for (let i = chars.length - 1; i > 0; i--) { const j = random(i + 1); [chars[i], chars[j]] = [chars[j], chars[i]]; }
  $("#password").value = chars.slice(0, len).join("");
  const bits = Math.round(len * Math.log2(all.length));
  $("#strength").textContent = len + " characters, about " + bits + " bits of entropy: " + (bits >= 80 ? "very strong" : bits >= 60 ? "strong" : bits >= 40 ? "fair" : "weak") + ".";
}
$("#generate").addEventListener("click", generate);
$("#length").addEventListener("input", generate);
for (const k of Object.keys(sets)) $("#" + k).addEventListener("change", generate);
$("#copy").addEventListener("click", async () => {
  try { await navigator.clipboard.writeText($("#password").value); $("#copy").textContent = "Copied"; } catch (e) { $("#password").select(); $("#copy").textContent = "Press Ctrl+C"; }
  setTimeout(() => { $("#copy").textContent = "Copy"; }, 1500);
});
generate();
