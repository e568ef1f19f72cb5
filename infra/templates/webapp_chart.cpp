// Webapp template "chart": a small dashboard — summary figures, a
// canvas-drawn bar / line / pie chart (no libraries) and a data table to
// edit, seeded with sample data that fits the prompt.

#include "infra/templates/templates.hpp"

namespace spawn {

namespace {

const char* const chart_css = R"css(
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-bottom:16px}
.kpi{padding:14px 16px}
.kpi span{display:block;color:var(--muted);font-size:.85rem}
.kpi b{display:block;font-size:1.35rem;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
.chart-head{justify-content:space-between;margin-bottom:10px}
.chart-box{position:relative;width:100%;height:min(360px,60vw);min-height:220px}
canvas{width:100%;height:100%;display:block}
.data{margin-top:16px}
.entry{display:grid;grid-template-columns:1fr 160px auto;gap:10px;margin-bottom:12px}
table{border-collapse:collapse;width:100%}
td,th{padding:6px 8px;border-bottom:1px solid var(--border);text-align:left}
th{color:var(--muted);font-size:.8rem;text-transform:uppercase;letter-spacing:.04em}
td input{padding:.35em .5em}
.swatch{display:inline-block;width:12px;height:12px;border-radius:3px;vertical-align:middle}
@media (max-width:560px){.entry{grid-template-columns:1fr 1fr}.entry button{grid-column:1/-1}}
)css";

const char* const chart_body = R"html(
<div class="kpis" id="kpis"></div>
<section class="card" aria-labelledby="chart-title">
  <div class="row chart-head">
    <h2 id="chart-title" style="margin:0"></h2>
    <div class="row" role="group" aria-label="Chart type">
      <button type="button" class="ghost" data-kind="bar">Bars</button>
      <button type="button" class="ghost" data-kind="line">Line</button>
      <button type="button" class="ghost" data-kind="pie">Pie</button>
    </div>
  </div>
  <div class="chart-box"><canvas id="chart" role="img"></canvas></div>
</section>
<section class="card data" aria-labelledby="data-title">
  <h2 id="data-title">Data</h2>
  <form class="entry" id="entry" autocomplete="off">
    <label class="sr-only" for="new-label">Label</label>
    <input id="new-label" type="text" maxlength="40" placeholder="Label" required>
    <label class="sr-only" for="new-value">Value</label>
    <input id="new-value" type="number" step="any" placeholder="Value" required>
    <button type="submit">Add</button>
  </form>
  <table><thead><tr><th></th><th>Label</th><th id="value-head">Value</th><th><span class="sr-only">Actions</span></th></tr></thead><tbody id="rows"></tbody></table>
  <div class="row" style="margin-top:12px;justify-content:flex-end">
    <button type="button" class="ghost" id="png">Download PNG</button>
    <button type="button" class="ghost" id="csv">Export CSV</button>
    <button type="button" class="danger" id="sample">Reset to sample</button>
  </div>
</section>
)html";

const char* const chart_js = R"js(
let data = store.get("data", null) || CONFIG.sample.map((d) => Object.assign({}, d));
let kind = store.get("kind", CONFIG.kind);
const canvas = $("#chart");
$("#chart-title").textContent = CONFIG.series;
$("#value-head").textContent = CONFIG.series;

function css(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }
function fmt(v) { return (CONFIG.prefix || "") + Number(v).toLocaleString(undefined, { maximumFractionDigits: 2 }) + (CONFIG.suffix || ""); }
function palette(i) {
  if (kind !== "pie") return css("--accent");
  const hues = [0, 0.62, 0.24, 0.8, 0.45, 0.12, 0.9, 0.35];
  return i === 0 ? css("--accent") : "hsl(" + Math.round((hues[i % hues.length] * 360 + 220) % 360) + " 65% 55%)";
}

function draw() {
  const box = canvas.parentElement.getBoundingClientRect();
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(box.width * dpr));
  canvas.height = Math.max(1, Math.round(box.height * dpr));
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const W = box.width, H = box.height;
  ctx.clearRect(0, 0, W, H);
  ctx.font = "12px system-ui, sans-serif";
  const fg = css("--fg"), muted = css("--muted"), grid = css("--border");
  canvas.setAttribute("aria-label", CONFIG.series + " " + kind + " chart: " + data.map((d) => d.label + " " + fmt(d.value)).join(", "));
  if (!data.length) { ctx.fillStyle = muted; ctx.textAlign = "center"; ctx.fillText("Add data below to see the chart.", W / 2, H / 2); return; }
  if (kind === "pie") {
    const total = data.reduce((s, d) => s + Math.max(0, d.value), 0) || 1;
    const r = Math.min(W * 0.32, H / 2 - 16), cx = Math.min(W / 2, r + 24) + (W > 520 ? W * 0.12 : 0), cy = H / 2;
    let a = -Math.PI / 2;
    data.forEach((d, i) => {
      const slice = 2 * Math.PI * Math.max(0, d.value) / total;
      ctx.beginPath(); ctx.moveTo(cx, cy); ctx.arc(cx, cy, r, a, a + slice); ctx.closePath();
      ctx.fillStyle = palette(i); ctx.fill();
      ctx.strokeStyle = css("--card"); ctx.lineWidth = 2; ctx.stroke();
      a += slice;
    });
    const lx = cx + r + 28;
    ctx.textAlign = "left"; ctx.textBaseline = "middle";
    data.slice(0, 12).forEach((d, i) => {
      const y = cy - (Math.min(data.length, 12) - 1) * 11 + i * 22;
      ctx.fillStyle = palette(i); ctx.fillRect(lx, y - 6, 12, 12);
      ctx.fillStyle = fg; ctx.fillText(d.label + "  " + Math.round(100 * Math.max(0, d.value) / total) + "%", lx + 18, y);
    });
    return;
  }
  const max = Math.max(0, ...data.map((d) => d.value));
  const min = Math.min(0, ...data.map((d) => d.value));
  const span = (max - min) || 1;
  const step = Math.pow(10, Math.floor(Math.log10(span / 4)));
  const tick = [1, 2, 5, 10].map((m) => m * step).find((s) => span / s <= 5) || step * 10;
  const top = Math.ceil(max / tick) * tick, bottom = Math.floor(min / tick) * tick;
  const left = 14 + Math.max(...[top, bottom].map((v) => ctx.measureText(fmt(v)).width)), right = 12, up = 16, down = 34;
  const y = (v) => up + (H - up - down) * (top - v) / ((top - bottom) || 1);
  ctx.textAlign = "right"; ctx.textBaseline = "middle";
  for (let v = bottom; v <= top + tick / 2; v += tick) {
    ctx.strokeStyle = grid; ctx.lineWidth = 1; ctx.beginPath(); ctx.moveTo(left, y(v)); ctx.lineTo(W - right, y(v)); ctx.stroke();
    ctx.fillStyle = muted; ctx.fillText(fmt(Number(v.toPrecision(10))), left - 6, y(v));
  }
  const slot = (W - left - right) / data.length;
  ctx.textAlign = "center"; ctx.textBaseline = "top";
  data.forEach((d, i) => {
    const x = left + slot * (i + 0.5);
    ctx.fillStyle = muted;
    const label = d.label.length > 12 && slot < 90 ? d.label.slice(0, 10) + "\u2026" : d.label;
    if (slot > 28 || i % Math.ceil(28 / slot) === 0) ctx.fillText(label, x, H - down + 8);
  });
  ctx.fillStyle = css("--accent"); ctx.strokeStyle = css("--accent");
  if (kind === "bar") {
    data.forEach((d, i) => {
      const w = Math.min(56, slot * 0.64), x = left + slot * (i + 0.5) - w / 2;
      const y0 = y(Math.max(0, d.value)), h = Math.abs(y(d.value) - y(0));
      ctx.beginPath();
      if (ctx.roundRect) ctx.roundRect(x, y0, w, Math.max(1, h), [6, 6, 0, 0]); else ctx.rect(x, y0, w, Math.max(1, h));
      ctx.fill();
    });
  } else {
    ctx.lineWidth = 3; ctx.lineJoin = "round"; ctx.beginPath();
    data.forEach((d, i) => { const x = left + slot * (i + 0.5); i ? ctx.lineTo(x, y(d.value)) : ctx.moveTo(x, y(d.value)); });
    ctx.stroke();
    data.forEach((d, i) => { ctx.beginPath(); ctx.arc(left + slot * (i + 0.5), y(d.value), 4.5, 0, 2 * Math.PI); ctx.fill(); });
  }
}

function kpis() {
  const values = data.map((d) => d.value);
  const total = values.reduce((s, v) => s + v, 0);
  const best = data.reduce((b, d) => (!b || d.value > b.value ? d : b), null);
  const items = [["Total", values.length ? fmt(total) : "\u2014"], ["Average", values.length ? fmt(total / values.length) : "\u2014"],
    ["Highest", best ? best.label + " (" + fmt(best.value) + ")" : "\u2014"], ["Entries", String(values.length)]];
  $("#kpis").replaceChildren(...items.map(([k, v]) => h("div", { class: "card kpi" }, h("span", { text: k }), h("b", { text: v }))));
}

function rows() {
  $("#rows").replaceChildren(...data.map((d, i) => h("tr", {},
    h("td", {}, h("span", { class: "swatch", style: "background:" + palette(i) })),
    h("td", {}, h("input", { type: "text", value: d.label, maxLength: 40, "aria-label": "Label " + (i + 1), onchange: (e) => { d.label = e.target.value.trim() || d.label; update(); } })),
    h("td", {}, h("input", { type: "number", step: "any", value: String(d.value), "aria-label": "Value for " + d.label, onchange: (e) => { const v = Number(e.target.value); if (isFinite(v)) d.value = v; update(); } })),
    h("td", {}, h("button", { type: "button", class: "icon", "aria-label": "Delete " + d.label, text: "\u2715", onclick: () => { data.splice(i, 1); update(); } })))));
}

function update() {
  store.set("data", data);
  store.set("kind", kind);
  for (const b of $$("[data-kind]")) b.setAttribute("aria-pressed", String(b.dataset.kind === kind));
  kpis(); rows(); draw();
}

$("#entry").addEventListener("submit", (e) => {
  e.preventDefault();
  const label = $("#new-label").value.trim();
  const value = Number($("#new-value").value);
  if (!label || !isFinite(value)) return;
  data.push({ label, value });
  e.target.reset();
  $("#new-label").focus();
  update();
  announce("Added " + label);
});
for (const b of $$("[data-kind]")) b.addEventListener("click", () => { kind = b.dataset.kind; update(); });
$("#sample").addEventListener("click", () => { if (confirm("Replace your data with the sample?")) { data = CONFIG.sample.map((d) => Object.assign({}, d)); update(); } });
$("#csv").addEventListener("click", () => {
  const text = "label,value\n" + data.map((d) => '"' + d.label.replace(/"/g, '""') + '",' + d.value).join("\n");
  const a = h("a", { href: URL.createObjectURL(new Blob([text], { type: "text/csv" })), download: "data.csv" });
  document.body.append(a); a.click(); setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 0);
});
$("#png").addEventListener("click", () => {
  const a = h("a", { href: canvas.toDataURL("image/png"), download: "chart.png" });
  document.body.append(a); a.click(); a.remove();
});
if (window.ResizeObserver) new ResizeObserver(() => draw()).observe(canvas.parentElement);
else window.addEventListener("resize", draw);
document.addEventListener("themechange", draw);
update();
)js";

nlohmann::json series(std::initializer_list<std::pair<const char*, double>> points) {
  auto out = nlohmann::json::array();
  for (auto& [label, value] : points)
    out.push_back({{"label", label}, {"value", value}});
  return out;
}

} // namespace

std::vector<app_file> chart_webapp(const prompt_traits& t, const std::string& title) {
  page_parts p;
  p.title = title;
  p.default_accent = "#4f46e5";
  p.css = chart_css;
  p.body = chart_body;
  p.js = chart_js;
  std::string prefix;
  std::string suffix;
  if (t.prompt.find("\xe2\x82\xac") != std::string::npos || t.has_any({"euro", "euros"}))
    suffix = " \xe2\x82\xac";
  else if (t.prompt.find("\xc2\xa3") != std::string::npos || t.has_any({"pound", "pounds", "gbp"}))
    prefix = "\xc2\xa3";
  else if (t.prompt.find('$') != std::string::npos || t.has_any({"dollar", "dollars", "usd"}))
    prefix = "$";
  std::string name = "Value";
  std::string kind = "bar";
  nlohmann::json sample;
  if (t.has_any({"expense", "expenses", "spending", "budget", "depenses", "depense", "costs"})) {
    name = "Spending";
    sample = series({{"Rent", 950}, {"Groceries", 320}, {"Transport", 120}, {"Utilities", 140},
                     {"Eating out", 180}, {"Leisure", 90}});
    if (prefix.empty() && suffix.empty())
      prefix = "$";
  } else if (t.has_any({"weight", "poids", "kg", "weigh"})) {
    name = "Weight";
    suffix = " kg";
    kind = "line";
    sample = series({{"Week 1", 82.4}, {"Week 2", 81.9}, {"Week 3", 81.2}, {"Week 4", 81.5},
                     {"Week 5", 80.6}, {"Week 6", 80.1}});
  } else if (t.has_any({"steps", "pas", "walking", "running", "fitness", "exercise", "workout"})) {
    name = "Steps";
    sample = series({{"Mon", 7200}, {"Tue", 9400}, {"Wed", 5100}, {"Thu", 11050},
                     {"Fri", 8300}, {"Sat", 12900}, {"Sun", 6400}});
  } else if (t.has_any({"temperature", "weather", "meteo", "temperatures", "climate"})) {
    name = "Temperature";
    suffix = " \xc2\xb0""C";
    kind = "line";
    sample = series({{"Mon", 14}, {"Tue", 16}, {"Wed", 15}, {"Thu", 19}, {"Fri", 21},
                     {"Sat", 18}, {"Sun", 17}});
  } else if (t.has_any({"sales", "revenue", "ventes", "income", "profit", "chiffre d'affaires",
                        "orders"})) {
    name = t.has_any({"revenue", "income", "profit"}) ? "Revenue" : "Sales";
    sample = series({{"Jan", 12400}, {"Feb", 13900}, {"Mar", 15100}, {"Apr", 14300},
                     {"May", 17800}, {"Jun", 19650}});
    if (prefix.empty() && suffix.empty())
      prefix = "$";
  } else if (t.has_any({"sleep", "sommeil", "hours"})) {
    name = "Hours of sleep";
    suffix = " h";
    sample = series({{"Mon", 7.5}, {"Tue", 6.8}, {"Wed", 7.2}, {"Thu", 6.1}, {"Fri", 8},
                     {"Sat", 9.1}, {"Sun", 8.4}});
  } else {
    sample = series({{"Jan", 42}, {"Feb", 55}, {"Mar", 48}, {"Apr", 63}, {"May", 71},
                     {"Jun", 68}});
  }
  if (t.has_any({"pie", "camembert", "donut", "doughnut", "share", "breakdown", "repartition"}))
    kind = "pie";
  else if (t.has_any({"line", "trend", "over time", "courbe", "evolution", "progress"}))
    kind = "line";
  else if (t.has_any({"bar", "bars", "barres", "histogram", "histogramme", "column"}))
    kind = "bar";
  p.subtitle = "Edit the numbers below and the chart follows. Your data stays in this browser.";
  p.config = {{"storageKey", "chart"},
              {"series", name},
              {"kind", kind},
              {"prefix", prefix},
              {"suffix", suffix},
              {"sample", sample}};
  return {{"index.html", render_page(t, p)}};
}

} // namespace spawn
