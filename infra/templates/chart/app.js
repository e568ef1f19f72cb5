
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
