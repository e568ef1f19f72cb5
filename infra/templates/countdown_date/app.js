let target = store.get("target", null) || { label: CONFIG.target.label, date: CONFIG.target.iso, time: "00:00" };
function at() { return new Date(target.date + "T" + (target.time || "00:00") + ":00"); }
function show() {
  const ms = at().getTime() - Date.now();
  const left = Math.max(0, Math.floor(ms / 1000));
  const parts = { days: Math.floor(left / 86400), hours: Math.floor(left / 3600) % 24, minutes: Math.floor(left / 60) % 60, seconds: left % 60 };
  for (const [k, v] of Object.entries(parts)) $("#" + k).textContent = String(v);
  $("#units").classList.toggle("done", ms <= 0);
  $("#event-name").textContent = target.label ? (ms > 0 ? "Until " : "") + target.label + (ms > 0 ? "" : " is here!") : "Countdown";
  $("#when").textContent = at().toLocaleString(undefined, { weekday: "long", year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" });
  document.title = parts.days + "d " + parts.hours + "h " + parts.minutes + "m · " + (target.label || "Countdown");
}
$("#edit-name").value = target.label || "";
$("#edit-date").value = target.date;
$("#edit-time").value = target.time || "00:00";
$("#edit-form").addEventListener("submit", (e) => {
  e.preventDefault();
  target = { label: $("#edit-name").value.trim(), date: $("#edit-date").value, time: $("#edit-time").value || "00:00" };
  store.set("target", target);
  show();
  announce("Counting down to " + (target.label || target.date));
});
show();
setInterval(show, 1000);
