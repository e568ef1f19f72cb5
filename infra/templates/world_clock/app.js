const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
let cities = store.get("cities", null);
if (!Array.isArray(cities) || !cities.length) cities = CONFIG.cities.map((c) => ({ name: c.name, zone: c.value }));
if (!cities.length) cities = [{ name: "Local time", zone: local }];
function valid(zone) { try { new Intl.DateTimeFormat("en", { timeZone: zone }); return true; } catch (e) { return false; } }
function offset(zone, now) {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" }).formatToParts(now);
  const get = (t) => Number(parts.find((p) => p.type === t).value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
  const mins = Math.round((asUtc - Math.floor(now.getTime() / 60000) * 60000) / 60000);
  const sign = mins < 0 ? "-" : "+";
  return "UTC" + sign + String(Math.floor(Math.abs(mins) / 60)).padStart(2, "0") + ":" + String(Math.abs(mins) % 60).padStart(2, "0");
}
function render() {
  const now = new Date();
  $("#clocks").replaceChildren(...cities.map((c, i) => h("article", { class: "card clock", "data-zone": c.zone },
    h("h2", { text: c.name }),
    h("div", { class: "time", text: now.toLocaleTimeString("en-GB", { timeZone: c.zone, hour: "2-digit", minute: "2-digit", second: "2-digit" }) }),
    h("div", { class: "date", text: now.toLocaleDateString("en-GB", { timeZone: c.zone, weekday: "long", day: "numeric", month: "long" }) + " · " + offset(c.zone, now) + (c.zone === local ? " · your time zone" : "") }),
    h("button", { type: "button", class: "icon", "aria-label": "Remove " + c.name, text: "\u2715", onclick: () => { cities.splice(i, 1); store.set("cities", cities); render(); } }))));
}
try { $("#zones").replaceChildren(...Intl.supportedValuesOf("timeZone").map((z) => h("option", { value: z }))); } catch (e) { /* older browsers: free text */ }
$("#add-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const zone = $("#zone").value.trim();
  if (!valid(zone)) { $("#error").hidden = false; $("#error").textContent = "Unknown time zone: " + zone; return; }
  $("#error").hidden = true;
  cities.push({ name: zone.split("/").pop().replace(/_/g, " "), zone });
  store.set("cities", cities);
  $("#zone").value = "";
  render();
});
let alarm = store.get("alarm", "");
$("#alarm-time").value = alarm;
function checkAlarm() {
  if (!alarm) { $("#alarm-state").textContent = "No alarm set."; return; }
  const now = new Date().toTimeString().slice(0, 5);
  if (now === alarm) {
    $("#alarm-state").textContent = "\u23f0 It is " + alarm + "!";
    try { const ctx = new AudioContext(); const o = ctx.createOscillator(); o.connect(ctx.destination); o.start(); o.stop(ctx.currentTime + 0.6); } catch (e) { /* no audio */ }
    alarm = ""; store.set("alarm", alarm);
  } else $("#alarm-state").textContent = "Alarm set for " + alarm + " (local time).";
}
$("#alarm-form").addEventListener("submit", (e) => { e.preventDefault(); alarm = $("#alarm-time").value; store.set("alarm", alarm); checkAlarm(); });
$("#alarm-clear").addEventListener("click", () => { alarm = ""; store.set("alarm", alarm); $("#alarm-time").value = ""; checkAlarm(); });
render();
checkAlarm();
setInterval(() => { render(); checkAlarm(); }, 1000);
