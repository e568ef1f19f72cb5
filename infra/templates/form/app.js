
const fields = CONFIG.fields;
let subs = store.get("responses", []);
$("#submit").textContent = CONFIG.submitLabel;

function control(f) {
  const common = { id: "f-" + f.key, name: f.key, required: f.required, "aria-describedby": "e-" + f.key };
  if (f.type === "textarea") return h("textarea", Object.assign(common, { rows: 4, maxLength: 2000, placeholder: f.placeholder || "" }));
  if (f.type === "select") return h("select", common, h("option", { value: "", text: "Choose\u2026" }), f.options.map((o) => h("option", { value: o, text: o })));
  const attrs = Object.assign(common, { type: f.type, placeholder: f.placeholder || "", autocomplete: f.autocomplete || "off" });
  if (f.type === "number") Object.assign(attrs, { min: "0", step: "1", inputMode: "numeric" });
  if (f.type === "text") attrs.maxLength = 200;
  return h("input", attrs);
}

$("#fields").replaceChildren(...fields.map((f) => {
  const input = control(f);
  const label = h("label", { for: input.id }, f.label, f.required ? h("span", { class: "req", "aria-hidden": "true", text: " *" }) : null);
  const error = h("p", { class: "error", id: "e-" + f.key, "aria-live": "polite" });
  input.addEventListener(f.type === "checkbox" || f.type === "select" ? "change" : "blur", () => check(f));
  input.addEventListener("input", () => { if (input.getAttribute("aria-invalid") === "true") check(f); });
  if (f.type === "checkbox") return h("div", { class: "field check wide" }, input, label, error);
  return h("div", { class: "field" + (f.type === "textarea" ? " wide" : "") }, label, input, error);
}));

function value(f) {
  const el = $("#f-" + f.key);
  return f.type === "checkbox" ? el.checked : el.value.trim();
}

/** Shows and returns the problem with field f, or "" when it is fine. */
function check(f) {
  const el = $("#f-" + f.key);
  const v = value(f);
  let problem = "";
  if (f.required && (v === "" || v === false)) problem = f.type === "checkbox" ? "Please tick this box." : "Please fill in " + f.label.toLowerCase() + ".";
  else if (v !== "" && v !== false) {
    if (f.type === "email" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) problem = "That doesn't look like an email address (name@example.com).";
    if (f.type === "tel" && !/^[+()\d][\d\s().-]{5,}$/.test(v)) problem = "Use digits, spaces and + ( ) - only.";
    if (f.type === "number" && (!/^\d+(\.\d+)?$/.test(v))) problem = "Enter a number of 0 or more.";
    if (f.type === "url" && !/^https?:\/\/\S+\.\S+/.test(v)) problem = "Start with http:// or https://";
    if (f.type === "password" && v.length < 8) problem = "Use at least 8 characters.";
  }
  $("#e-" + f.key).textContent = problem;
  el.setAttribute("aria-invalid", String(!!problem));
  return problem;
}

function show(v, f) {
  if (f.type === "password") return v ? "\u2022\u2022\u2022\u2022\u2022\u2022" : "";
  if (f.type === "checkbox") return v ? "Yes" : "No";
  return String(v);
}

function renderSubs() {
  const table = $("#subs");
  $("#subs-count").textContent = String(subs.length);
  $("#no-subs").hidden = subs.length > 0;
  $("#export").disabled = subs.length === 0;
  $("#clear-all").hidden = subs.length === 0;
  if (!subs.length) { table.replaceChildren(); return; }
  table.replaceChildren(
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "When" }), fields.map((f) => h("th", { scope: "col", text: f.label })), h("th", {}, h("span", { class: "sr-only", text: "Actions" })))),
    h("tbody", {}, subs.map((s) => h("tr", {},
      h("td", { text: new Date(s.at).toLocaleString() }),
      fields.map((f) => h("td", { text: show(s.values[f.key] === undefined ? "" : s.values[f.key], f) })),
      h("td", {}, h("button", { type: "button", class: "icon", "aria-label": "Delete this response", text: "\u2715",
        onclick: () => { subs = subs.filter((x) => x !== s); store.set("responses", subs); renderSubs(); } }))))));
}

$("#form").addEventListener("submit", (e) => {
  e.preventDefault();
  const problems = fields.filter((f) => check(f));
  if (problems.length) {
    $("#f-" + problems[0].key).focus();
    announce(problems.length + (problems.length === 1 ? " field needs" : " fields need") + " attention");
    return;
  }
  const values = {};
  for (const f of fields) values[f.key] = value(f);
  subs.unshift({ at: Date.now(), values });
  store.set("responses", subs);
  e.target.reset();
  const ok = $("#success");
  ok.textContent = CONFIG.thanks;
  ok.hidden = false;
  setTimeout(() => { ok.hidden = true; }, 5000);
  renderSubs();
  announce(CONFIG.thanks);
});
$("#form").addEventListener("reset", () => {
  for (const f of fields) { $("#e-" + f.key).textContent = ""; $("#f-" + f.key).removeAttribute("aria-invalid"); }
});
$("#export").addEventListener("click", () => {
  const cell = (v) => '"' + String(v).replace(/"/g, '""') + '"';
  const lines = [["Submitted"].concat(fields.map((f) => f.label)).map(cell).join(",")];
  for (const s of subs) lines.push([new Date(s.at).toISOString()].concat(fields.map((f) => show(s.values[f.key] === undefined ? "" : s.values[f.key], f))).map(cell).join(","));
  const a = h("a", { href: URL.createObjectURL(new Blob([lines.join("\n")], { type: "text/csv" })), download: "responses.csv" });
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 0);
});
$("#clear-all").addEventListener("click", () => {
  if (confirm("Delete all " + subs.length + " responses?")) { subs = []; store.set("responses", subs); renderSubs(); }
});
renderSubs();
