const text = $("#text");
text.value = store.get("text", "");
function count() {
  const v = text.value, words = v.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) || [];
  $("#words").textContent = words.length;
  $("#chars").textContent = [...v].length;
  $("#chars-no-space").textContent = [...v.replace(/\s/g, "")].length;
  $("#sentences").textContent = (v.match(/[^.!?…]+[.!?…]+|[^.!?…]+$/g) || []).filter((s) => s.trim()).length;
  $("#paragraphs").textContent = v.split(/\n\s*\n/).filter((p) => p.trim()).length;
  $("#reading").textContent = Math.max(words.length ? 1 : 0, Math.round(words.length / 230)) + " min";
  if (CONFIG.limit) {
    const left = CONFIG.limit - words.length;
    $("#limit").textContent = left >= 0 ? left + " words left of " + CONFIG.limit : -left + " words over the limit of " + CONFIG.limit;
    $("#words").classList.toggle("over", left < 0);
  }
  const freq = {};
  for (const w of words) { const k = w.toLowerCase(); if (k.length > 3) freq[k] = (freq[k] || 0) + 1; }
  const top = Object.entries(freq).sort((a, b) => b[1] - a[1]).slice(0, 5);
  $("#top").textContent = top.length ? "Most used: " + top.map(([w, n]) => w + " (" + n + ")").join(", ") : "";
  store.set("text", v);
}
text.addEventListener("input", count);
$("#clear").addEventListener("click", () => { text.value = ""; count(); text.focus(); });
count();
