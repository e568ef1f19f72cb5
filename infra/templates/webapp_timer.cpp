// Webapp template "timer": a pomodoro timer (focus / short break / long
// break cycle), a plain countdown with presets, or a stopwatch with laps.

#include <algorithm>

#include "infra/templates/templates.hpp"

namespace spawn {

namespace {

const char* const timer_css = R"css(
.timer{text-align:center;max-width:520px;margin:0 auto}
.modes{justify-content:center;margin-bottom:18px}
.modes button{font-weight:500}
.dial{position:relative;width:min(300px,78vw);aspect-ratio:1;margin:0 auto}
.dial svg{width:100%;height:100%;transform:rotate(-90deg)}
.dial circle{fill:none;stroke-width:10}
.dial .track{stroke:var(--soft)}
.dial .arc{stroke:var(--accent);stroke-linecap:round;transition:stroke-dashoffset .25s linear}
.readout{position:absolute;inset:0;display:flex;flex-direction:column;align-items:center;justify-content:center}
.time{font-size:clamp(2.6rem,12vw,4.2rem);font-weight:700;font-variant-numeric:tabular-nums;letter-spacing:-.02em}
.phase{color:var(--muted)}
.controls{justify-content:center;margin-top:20px}
.controls button{min-width:96px;font-size:1.05rem}
.presets{justify-content:center;margin-top:14px}
.presets button{font-weight:500;padding:.3em .8em}
.stats{justify-content:center;margin-top:16px;color:var(--muted)}
details{margin-top:18px;text-align:left}
summary{cursor:pointer;font-weight:600}
.settings{display:grid;grid-template-columns:repeat(auto-fit,minmax(130px,1fr));gap:12px;margin-top:12px}
.settings label{display:flex;flex-direction:column;gap:4px}
.laps{list-style:none;padding:0;margin:16px auto 0;max-width:320px;text-align:left;font-variant-numeric:tabular-nums}
.laps li{display:flex;justify-content:space-between;padding:6px 4px;border-bottom:1px solid var(--border)}
.running .arc{filter:drop-shadow(0 0 6px var(--accent))}
)css";

const char* const timer_body = R"html(
<section class="card timer" id="timer" aria-label="Timer">
  <div class="row modes" id="modes" role="group" aria-label="Mode"></div>
  <div class="dial">
    <svg viewBox="0 0 220 220" aria-hidden="true">
      <circle class="track" cx="110" cy="110" r="100"></circle>
      <circle class="arc" id="arc" cx="110" cy="110" r="100"></circle>
    </svg>
    <div class="readout">
      <div class="time" id="time" role="timer" aria-live="off">00:00</div>
      <div class="phase" id="phase"></div>
    </div>
  </div>
  <div class="row controls">
    <button type="button" id="start">Start</button>
    <button type="button" id="reset" class="ghost">Reset</button>
    <button type="button" id="skip" class="ghost">Skip</button>
  </div>
  <div class="row presets" id="presets" role="group" aria-label="Presets"></div>
  <div class="row stats" id="stats" aria-live="polite"></div>
  <ol class="laps" id="laps" aria-label="Laps"></ol>
  <details id="settings-box">
    <summary>Settings</summary>
    <div class="settings" id="settings"></div>
    <p class="row" style="margin-top:12px">
      <input type="checkbox" id="auto"><label for="auto">Start the next phase automatically</label>
    </p>
    <p class="row">
      <input type="checkbox" id="sound"><label for="sound">Play a sound when time is up</label>
    </p>
  </details>
</section>
<p class="muted" style="text-align:center;font-size:.85rem">Keyboard: Space starts or pauses, R resets.</p>
)html";

const char* const timer_js = R"js(
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
)js";

int minutes_of(const prompt_traits& t, const std::string& role, int fallback) {
  for (auto& d : t.durations)
    if (d.role == role)
      return std::max(1, d.seconds / 60);
  return fallback;
}

} // namespace

std::vector<app_file> timer_webapp(const prompt_traits& t, const std::string& title) {
  page_parts p;
  p.title = title;
  p.default_accent = "#e11d48";
  p.css = timer_css;
  p.body = timer_body;
  p.js = timer_js;
  bool pomodoro = t.has_any({"pomodoro", "break", "breaks", "pause", "pauses", "focus", "work",
                             "study", "travail", "concentration", "tomato"});
  bool stopwatch = t.has_any({"stopwatch", "chronometre", "chrono", "lap", "laps", "tours"})
                   && !t.has_any({"countdown", "compte a rebours", "pomodoro"});
  for (auto& d : t.durations)
    pomodoro = pomodoro || d.role == "break" || d.role == "long_break";
  nlohmann::json modes = nlohmann::json::array();
  nlohmann::json presets = nlohmann::json::array();
  std::string kind;
  if (stopwatch) {
    kind = "stopwatch";
    modes.push_back({{"id", "watch"}, {"label", "Running"}, {"seconds", 0}});
    p.subtitle = "Start, lap, stop. Precise to a tenth of a second.";
  } else if (pomodoro) {
    kind = "pomodoro";
    // The first duration without a role is the focus length ("25 minutes").
    int work = minutes_of(t, "work", minutes_of(t, "", 25));
    int brk = minutes_of(t, "break", 5);
    int lng = minutes_of(t, "long_break", 15);
    modes.push_back({{"id", "work"}, {"label", "Focus"}, {"seconds", work * 60}});
    modes.push_back({{"id", "short"}, {"label", "Short break"}, {"seconds", brk * 60}});
    modes.push_back({{"id", "long"}, {"label", "Long break"}, {"seconds", lng * 60}});
    p.subtitle = std::to_string(work) + " minutes of focus, " + std::to_string(brk)
                 + "-minute breaks, a " + std::to_string(lng) + "-minute break every fourth round.";
  } else {
    kind = "countdown";
    int secs = t.durations.empty() ? 300 : t.durations.front().seconds;
    modes.push_back({{"id", "count"}, {"label", "Time left"}, {"seconds", std::max(1, secs)}});
    presets = {1, 5, 10, 15, 30, 60};
    p.subtitle = "Pick a length, press Start, and hear a chime when time is up.";
  }
  p.config = {{"storageKey", "timer-" + kind},
              {"kind", kind},
              {"modes", modes},
              {"presets", presets}};
  return {{"index.html", render_page(t, p)}};
}

} // namespace spawn
