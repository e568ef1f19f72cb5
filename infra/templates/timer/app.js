
const kind = CONFIG.kind;
const modes = CONFIG.modes.map((m) => Object.assign({}, m, { seconds: store.get("len:" + m.id, m.seconds) }));
let modeIndex = 0;
let remaining = modes[0].seconds * 1000; // countdowns: ms left; stopwatch: ms elapsed
let endAt = 0;
let startedAt = 0;
let ticking = null;
let laps = [];
let doneToday = store.get("done:" + new Date().toDateString(), 0);
const prefs = Object.assign({ auto: false, sound: true }, store.get("prefs", {}));
const arc = $("#arc");
const circumference = 2 * Math.PI * 100;
arc.style.strokeDasharray = String(circumference);

function fmt(ms) {
  const total = kind === "stopwatch" ? Math.floor(ms / 1000) : Math.ceil(ms / 1000);
  const hh = Math.floor(total / 3600);
  const mm = Math.floor((total % 3600) / 60);
  const ss = total % 60;
  const two = (n) => String(n).padStart(2, "0");
  const base = (hh ? hh + ":" + two(mm) : two(mm)) + ":" + two(ss);
  return kind === "stopwatch" ? base + "." + String(Math.floor((ms % 1000) / 100)) : base;
}

function mode() { return modes[modeIndex]; }
function running() { return ticking !== null; }

function current() {
  if (!running()) return remaining;
  return kind === "stopwatch" ? remaining + (Date.now() - startedAt) : Math.max(0, endAt - Date.now());
}

function draw() {
  const ms = current();
  $("#time").textContent = fmt(ms);
  const fraction = kind === "stopwatch" ? (ms % 60000) / 60000 : ms / (mode().seconds * 1000 || 1);
  arc.style.strokeDashoffset = String(circumference * (1 - fraction));
  $("#phase").textContent = running() ? mode().label : (kind === "stopwatch" ? (ms ? "Paused" : "Ready") : (ms < mode().seconds * 1000 ? "Paused" : mode().label));
  document.title = (running() ? fmt(ms) + " \u00b7 " : "") + CONFIG.title;
  $("#start").textContent = running() ? "Pause" : (ms && ms !== mode().seconds * 1000 ? "Resume" : "Start");
  $("#timer").classList.toggle("running", running());
  if (kind === "pomodoro") $("#stats").textContent = "Focus sessions today: " + doneToday;
}

let audio = null;

/** Creates the audio context during a user gesture, as browsers require. */
function unlockAudio() {
  const activated = !navigator.userActivation || navigator.userActivation.hasBeenActive;
  if (!prefs.sound || !activated) return;
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    if (audio.state === "suspended") audio.resume();
  } catch (e) { audio = null; }
}

function beep() {
  if (!prefs.sound || !audio) return;
  try {
    const ctx = audio;
    [0, 0.35, 0.7].forEach((t) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, ctx.currentTime + t);
      gain.gain.exponentialRampToValueAtTime(0.3, ctx.currentTime + t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + t + 0.25);
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + t);
      osc.stop(ctx.currentTime + t + 0.3);
    });
  } catch (e) { /* no audio available */ }
}

function start() {
  if (running()) return;
  if (kind === "stopwatch") startedAt = Date.now();
  else {
    if (remaining <= 0) remaining = mode().seconds * 1000;
    endAt = Date.now() + remaining;
  }
  ticking = setInterval(tick, 200);
  draw();
}

function pause() {
  if (!running()) return;
  remaining = current();
  clearInterval(ticking);
  ticking = null;
  draw();
}

function reset() {
  pause();
  remaining = kind === "stopwatch" ? 0 : mode().seconds * 1000;
  laps = [];
  renderLaps();
  draw();
}

function tick() {
  if (kind !== "stopwatch" && current() <= 0) finish();
  else draw();
}

function finish() {
  clearInterval(ticking);
  ticking = null;
  remaining = 0;
  beep();
  announce(mode().label + " finished");
  if (kind === "pomodoro") {
    if (mode().id === "work") {
      doneToday += 1;
      store.set("done:" + new Date().toDateString(), doneToday);
      select(doneToday % 4 === 0 && modes[2] ? 2 : 1);
    } else select(0);
    if (prefs.auto) start();
  }
  draw();
}

function select(index) {
  pause();
  modeIndex = index;
  remaining = kind === "stopwatch" ? 0 : mode().seconds * 1000;
  for (const [i, b] of $$("#modes button").entries()) b.setAttribute("aria-pressed", String(i === modeIndex));
  draw();
}

function renderLaps() {
  $("#laps").replaceChildren(...laps.map((ms, i) => h("li", {}, h("span", { text: "Lap " + (i + 1) }),
    h("span", { text: fmt(ms - (laps[i - 1] || 0)) + "  (" + fmt(ms) + ")" }))).reverse());
}

$("#modes").replaceChildren(...modes.map((m, i) => h("button", { type: "button", class: "ghost", "aria-pressed": String(i === 0), text: m.label, onclick: () => select(i) })));
$("#modes").hidden = modes.length < 2;
$("#start").addEventListener("click", () => { unlockAudio(); running() ? pause() : start(); });
$("#reset").addEventListener("click", reset);
$("#skip").textContent = kind === "stopwatch" ? "Lap" : "Skip";
$("#skip").hidden = kind === "countdown";
$("#skip").addEventListener("click", () => {
  if (kind === "stopwatch") { if (running()) { laps.push(current()); renderLaps(); } }
  else { pause(); remaining = 0; finish(); }
});
$("#presets").replaceChildren(...CONFIG.presets.map((min) => h("button", { type: "button", class: "ghost", text: min + " min",
  onclick: () => { modes[0].seconds = min * 60; store.set("len:" + modes[0].id, min * 60); renderSettings(); select(0); } })));
$("#presets").hidden = CONFIG.presets.length === 0;

function renderSettings() {
  $("#settings").replaceChildren(...modes.map((m) => h("label", {}, m.label + " (minutes)",
    h("input", { type: "number", min: "1", max: "600", step: "1", value: String(Math.round(m.seconds / 60)),
      onchange: (e) => {
        const v = Math.min(600, Math.max(1, Math.round(Number(e.target.value) || 1)));
        e.target.value = String(v);
        m.seconds = v * 60;
        store.set("len:" + m.id, m.seconds);
        if (m === mode() && !running()) { remaining = m.seconds * 1000; draw(); }
      } }))));
}
$("#settings-box").hidden = kind === "stopwatch";
renderSettings();
$("#auto").checked = prefs.auto;
$("#sound").checked = prefs.sound;
$("#auto").closest("p").hidden = kind !== "pomodoro";
$("#auto").addEventListener("change", (e) => { prefs.auto = e.target.checked; store.set("prefs", prefs); });
$("#sound").addEventListener("change", (e) => { prefs.sound = e.target.checked; store.set("prefs", prefs); });
document.addEventListener("keydown", (e) => {
  if (e.target.closest && e.target.closest("input,textarea,select,button")) return;
  if (e.code === "Space") { e.preventDefault(); unlockAudio(); running() ? pause() : start(); }
  if (e.key === "r" || e.key === "R") reset();
});
select(0);
