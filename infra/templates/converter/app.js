// Each unit: factor to the category's base unit (temperature uses functions).
const kinds = {
  length: { label: "Length", units: { km: ["kilometres", 1000], mi: ["miles", 1609.344], m: ["metres", 1], ft: ["feet", 0.3048], cm: ["centimetres", 0.01], in: ["inches", 0.0254], yd: ["yards", 0.9144] } },
  weight: { label: "Weight", units: { kg: ["kilograms", 1], lb: ["pounds", 0.45359237], g: ["grams", 0.001], oz: ["ounces", 0.028349523125], st: ["stones", 6.35029318] } },
  temperature: { label: "Temperature", units: { c: ["°C (Celsius)"], f: ["°F (Fahrenheit)"], k: ["K (kelvin)"] } },
  volume: { label: "Volume", units: { l: ["litres", 1], ml: ["millilitres", 0.001], gal: ["US gallons", 3.785411784], cup: ["US cups", 0.2365882365] } },
  speed: { label: "Speed", units: { kmh: ["km/h", 1 / 3.6], mph: ["mph", 0.44704], ms: ["m/s", 1], kn: ["knots", 0.514444] } },
  data: { label: "Data", units: { mb: ["megabytes", 1], gb: ["gigabytes", 1000] } }
};
const toK = { c: (v) => v + 273.15, f: (v) => (v - 32) * 5 / 9 + 273.15, k: (v) => v };
const fromK = { c: (v) => v - 273.15, f: (v) => (v - 273.15) * 9 / 5 + 32, k: (v) => v };
function kindOf(u) { return Object.keys(kinds).find((k) => u in kinds[k].units); }
function convert(v, from, to) {
  const kind = kindOf(from);
  if (kind === "temperature") return fromK[to](toK[from](v));
  return v * kinds[kind].units[from][1] / kinds[kind].units[to][1];
}
function fmt(v) { return Math.abs(v) >= 1e6 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : String(Math.round(v * 100) / 100); }
const asked = (CONFIG.units || []).filter((u) => kindOf(u));
let kind = asked.length ? kindOf(asked[0]) : CONFIG.temperature ? "temperature" : CONFIG.cooking ? "volume" : "length";
$("#category").replaceChildren(...Object.entries(kinds).map(([k, v]) => h("option", { value: k, text: v.label })));
function fillUnits(from, to) {
  const units = Object.entries(kinds[kind].units);
  for (const sel of ["#from-unit", "#to-unit"]) $(sel).replaceChildren(...units.map(([u, d]) => h("option", { value: u, text: d[0] })));
  $("#from-unit").value = from || units[0][0];
  $("#to-unit").value = to || units[1][0];
}
function table() {
  const from = $("#from-unit").value, to = $("#to-unit").value;
  if (!(from in kinds[kind].units) || !(to in kinds[kind].units)) return;
  const name = (u) => kinds[kind].units[u][0];
  const rows = [1, 5, 10, 20, 50, 100].map((v) => h("tr", {}, h("td", { text: v + " " + name(from) }), h("td", { text: "= " + fmt(convert(v, from, to)) + " " + name(to) })));
  $("#table").replaceChildren(...rows);
}
function update(dir) {
  const from = $("#from-unit").value, to = $("#to-unit").value;
  if (!(from in kinds[kind].units) || !(to in kinds[kind].units)) return;
  const name = (u) => kinds[kind].units[u][0];
  if (dir === "back") {
    const v = parseFloat($("#to-value").value);
    if (Number.isFinite(v)) $("#from-value").value = fmt(convert(v, to, from));
  } else {
    const v = parseFloat($("#from-value").value);
    $("#to-value").value = Number.isFinite(v) ? fmt(convert(v, from, to)) : "";
  }
  const a = parseFloat($("#from-value").value), b = parseFloat($("#to-value").value);
  $("#result").textContent = Number.isFinite(a) && Number.isFinite(b) ? fmt(a) + " " + name(from) + " = " + fmt(b) + " " + name(to) : "Type a number.";
  table();
}
$("#category").value = kind;
const sameKind = asked.filter((u) => kindOf(u) === kind);
fillUnits(sameKind[0], sameKind[1] && sameKind[1] !== sameKind[0] ? sameKind[1] : undefined);
if ($("#from-unit").value === $("#to-unit").value) $("#to-unit").selectedIndex = ($("#from-unit").selectedIndex + 1) % $("#to-unit").options.length;
$("#category").addEventListener("change", () => { kind = $("#category").value; fillUnits(); update(); });
$("#from-value").addEventListener("input", () => update());
$("#to-value").addEventListener("input", () => update("back"));
$("#from-unit").addEventListener("change", () => update());
$("#to-unit").addEventListener("change", () => update());
$("#swap").addEventListener("click", () => { const f = $("#from-unit").value; $("#from-unit").value = $("#to-unit").value; $("#to-unit").value = f; update(); });
update();
