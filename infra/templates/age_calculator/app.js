const today = new Date().toISOString().slice(0, 10);
$("#on").value = today;
$("#birth").max = today;
$("#birth").value = store.get("birth", "");
function parts(a, b) {
  let y = b.getFullYear() - a.getFullYear(), m = b.getMonth() - a.getMonth(), d = b.getDate() - a.getDate();
  if (d < 0) { m--; d += new Date(b.getFullYear(), b.getMonth(), 0).getDate(); }
  if (m < 0) { y--; m += 12; }
  return { y, m, d };
}
function calc() {
  const v = $("#birth").value;
  if (!v) { $("#age").textContent = "Enter a date of birth."; $("#details").replaceChildren(); return; }
  const birth = new Date(v + "T00:00:00"), on = new Date(($("#on").value || today) + "T00:00:00");
  if (birth > on) { $("#age").textContent = "The date of birth is after the date to compare with."; return; }
  store.set("birth", v);
  const p = parts(birth, on);
  const days = Math.round((on - birth) / 86400000);
  let next = new Date(on.getFullYear(), birth.getMonth(), birth.getDate());
  if (next < on) next = new Date(on.getFullYear() + 1, birth.getMonth(), birth.getDate());
  const until = Math.round((next - on) / 86400000);
  $("#age").textContent = p.y + " years, " + p.m + " months and " + p.d + " days old";
  $("#details").replaceChildren(
    h("li", { text: days.toLocaleString("en") + " days, about " + Math.round(days / 7).toLocaleString("en") + " weeks" }),
    h("li", { text: "Born on a " + birth.toLocaleDateString("en", { weekday: "long" }) }),
    h("li", { text: until === 0 ? "Happy birthday!" : until + " days until the next birthday (turning " + (p.y + 1) + ")" }));
  announce($("#age").textContent);
}
$("#calc").addEventListener("click", calc);
$("#birth").addEventListener("change", calc);
$("#on").addEventListener("change", calc);
calc();
