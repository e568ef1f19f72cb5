const count = Math.min(12, Math.max(2, Number(CONFIG.count) || 5));
let colours = Array.from({ length: count }, () => ({ hex: "#888888", locked: false }));
const saved = store.get("saved", []);
function hsl(hh, s, l) {
  s /= 100; l /= 100;
  const f = (n) => { const k = (n + hh / 30) % 12; const c = l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1)); return Math.round(255 * c).toString(16).padStart(2, "0"); };
  return "#" + f(0) + f(8) + f(4);
}
function ink(hex) { const v = parseInt(hex.slice(1), 16); const y = 0.299 * (v >> 16) + 0.587 * ((v >> 8) & 255) + 0.114 * (v & 255); return y > 150 ? "#111" : "#fff"; }
function generate() {
  const base = Math.random() * 360, mode = $("#harmony").value;
  colours.forEach((c, i) => {
    if (c.locked) return;
    const step = mode === "analogous" ? 25 : mode === "complementary" ? (i % 2) * 180 + i * 8 : mode === "triadic" ? (i % 3) * 120 + i * 6 : Math.random() * 360;
    const hue = mode === "random" ? step : (base + (mode === "analogous" ? i * step : step)) % 360;
    c.hex = hsl(hue, 45 + Math.random() * 40, 30 + ((i * 47) % 45) + Math.random() * 10);
  });
  render();
}
function render() {
  $("#swatches").replaceChildren(...colours.map((c, i) => h("div", { class: "swatch", "data-hex": c.hex, style: "background:" + c.hex + ";color:" + ink(c.hex) },
    h("span", { class: "hex", text: c.hex.toUpperCase() }),
    h("button", { type: "button", "aria-pressed": c.locked ? "true" : "false", "aria-label": (c.locked ? "Unlock " : "Lock ") + "colour " + (i + 1), text: c.locked ? "Locked" : "Lock", onclick: () => { c.locked = !c.locked; render(); } }),
    h("button", { type: "button", "aria-label": "Copy " + c.hex, text: "Copy", onclick: () => { if (navigator.clipboard) navigator.clipboard.writeText(c.hex).catch(() => {}); announce("Copied " + c.hex); } }))));
  $("#saved").replaceChildren(...saved.map((p) => h("li", { title: p.join(" ") }, ...p.map((x) => h("span", { style: "background:" + x })))));
}
$("#generate").addEventListener("click", generate);
$("#harmony").addEventListener("change", generate);
$("#save").addEventListener("click", () => { saved.unshift(colours.map((c) => c.hex)); saved.length = Math.min(saved.length, 12); store.set("saved", saved); render(); });
document.addEventListener("keydown", (e) => { if (e.code === "Space" && !(e.target.closest && e.target.closest("input,select,button,textarea"))) { e.preventDefault(); generate(); } });
generate();
