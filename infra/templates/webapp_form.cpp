// Webapp template "form": a form whose fields come from the prompt ("a form
// with name, email and age"), typed by their names, validated in the page,
// with submissions listed, exportable as CSV and kept in localStorage.

#include "infra/templates/prompt_words.hpp"
#include "infra/templates/templates.hpp"
#include "infra/templates/text_escape.hpp"

namespace spawn {

namespace {

const char* const form_css = R"css(
.layout{display:grid;gap:16px}
.fields{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:14px 16px}
.field{display:flex;flex-direction:column;gap:5px}
.field.wide{grid-column:1/-1}
.field.check{flex-direction:row;align-items:center;gap:10px}
.req{color:var(--danger)}
[aria-invalid=true]{border-color:var(--danger)!important}
.actions{margin-top:18px;justify-content:space-between}
.success{background:color-mix(in srgb,var(--ok) 14%,var(--card));border:1px solid var(--ok);border-radius:10px;padding:10px 14px;margin-top:14px}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:8px 10px;border-bottom:1px solid var(--border);vertical-align:top;overflow-wrap:anywhere}
th{color:var(--muted);font-weight:600;font-size:.8rem;text-transform:uppercase;letter-spacing:.04em}
.subs-head{justify-content:space-between;margin-bottom:8px}
@media (max-width:600px){.fields{grid-template-columns:1fr}}
)css";

const char* const form_body = R"html(
<div class="layout">
  <form class="card" id="form" novalidate>
    <p class="muted" style="margin-top:0">Fields marked <span class="req">*</span> are required.</p>
    <div class="fields" id="fields"></div>
    <div class="row actions">
      <button type="reset" class="ghost">Clear</button>
      <button type="submit" id="submit"></button>
    </div>
    <div id="success" class="success" role="status" hidden></div>
  </form>
  <section class="card" aria-labelledby="subs-title">
    <div class="row subs-head">
      <h2 id="subs-title" style="margin:0">Responses <span class="pill" id="subs-count">0</span></h2>
      <div class="row">
        <button type="button" class="ghost" id="export">Export CSV</button>
        <button type="button" class="danger" id="clear-all">Delete all</button>
      </div>
    </div>
    <div class="table-wrap"><table id="subs"></table></div>
    <p class="empty" id="no-subs">No responses yet. Fill in the form to add the first one.</p>
  </section>
</div>
)html";

const char* const form_js = R"js(
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
)js";

bool any_word(const std::string& folded, std::initializer_list<std::string_view> words) {
  for (auto& tk : tokenise(folded))
    for (auto w : words)
      if (tk.folded == w)
        return true;
  return false;
}

/// A field spec inferred from its name ("email" -> an email input).
nlohmann::json field_for(const std::string& label, int index) {
  auto f = fold(label);
  nlohmann::json j{{"key", "f" + std::to_string(index) + "_" + slugify(label, 24)},
                   {"label", capitalise(label)},
                   {"type", "text"},
                   {"required", f.find("optional") == std::string::npos
                                  && f.find("facultatif") == std::string::npos}};
  auto type = [&](const char* t) { j["type"] = t; };
  if (any_word(f, {"email", "e-mail", "mail", "courriel", "emails"})) {
    type("email");
    j["autocomplete"] = "email";
  } else if (any_word(f, {"phone", "telephone", "tel", "mobile", "portable", "cell"})) {
    type("tel");
    j["autocomplete"] = "tel";
  } else if (any_word(f, {"password", "passe", "passcode"})) {
    type("password");
    j["autocomplete"] = "new-password";
  } else if (any_word(f, {"rating", "satisfaction", "stars", "etoiles", "score"})) {
    type("select");
    j["options"] = {"5 - Excellent", "4 - Good", "3 - Okay", "2 - Poor", "1 - Bad"};
  } else if (any_word(f, {"attending", "attendance", "presence", "coming", "rsvp"})) {
    type("select");
    j["options"] = {"Yes, I'll be there", "No, sorry", "Maybe"};
  } else if (any_word(f, {"age", "quantity", "guests", "people", "persons", "number", "nombre",
                          "quantite", "personnes", "participants", "invites", "count", "size"})) {
    type("number");
  } else if (any_word(f, {"date", "birthday", "birth", "naissance", "anniversaire", "deadline",
                          "dob", "day", "jour"})) {
    type("date");
  } else if (any_word(f, {"time", "heure", "hour"})) {
    type("time");
  } else if (any_word(f, {"website", "url", "site", "link", "lien", "portfolio"})) {
    type("url");
    j["placeholder"] = "https://";
  } else if (any_word(f, {"message", "comment", "comments", "description", "feedback", "notes",
                          "details", "bio", "about", "remarks", "address", "adresse", "lettre",
                          "letter", "motivation", "commentaire", "commentaires", "avis",
                          "requirements", "question", "questions", "suggestions", "story"})) {
    type("textarea");
  } else if (any_word(f, {"agree", "consent", "terms", "newsletter", "subscribe", "accept",
                          "accepte", "conditions"})) {
    type("checkbox");
  } else if (any_word(f, {"name", "nom", "prenom", "fullname", "username"})) {
    j["autocomplete"] = any_word(f, {"username"}) ? "username" : "name";
  }
  return j;
}

} // namespace

std::vector<app_file> form_webapp(const prompt_traits& t, const std::string& title) {
  page_parts p;
  p.title = title;
  p.default_accent = "#0891b2";
  p.css = form_css;
  p.body = form_body;
  p.js = form_js;
  std::vector<std::string> names = t.fields;
  std::string submit = "Submit";
  std::string thanks = "Thank you! Your response has been saved.";
  std::string subtitle = "Fill in the form; every response is listed below and saved in this browser.";
  if (t.has_any({"rsvp", "wedding", "party", "invitation", "mariage", "fete", "event"})) {
    if (names.empty())
      names = {"Name", "Email", "Attending", "Number of guests", "Dietary requirements (optional)"};
    submit = "Send my RSVP";
    thanks = "Thanks! Your RSVP has been recorded.";
  } else if (t.has_any({"booking", "reservation", "appointment", "rendez-vous", "rdv", "book"})) {
    if (names.empty())
      names = {"Name", "Email", "Phone", "Date", "Time", "Number of people", "Notes (optional)"};
    submit = "Book";
    thanks = "Booked! Your reservation has been saved.";
  } else if (t.has_any({"feedback", "survey", "sondage", "avis", "review", "satisfaction", "poll"})) {
    if (names.empty())
      names = {"Name (optional)", "Rating", "What did you like?", "What could be better? (optional)"};
    submit = "Send feedback";
    thanks = "Thank you for your feedback!";
  } else if (t.has_any({"job", "candidature", "apply", "recruitment", "hiring", "career"})) {
    if (names.empty())
      names = {"Full name", "Email", "Phone", "Position", "Portfolio website (optional)",
               "Cover letter"};
    submit = "Apply";
    thanks = "Application received. Good luck!";
  } else if (t.has_any({"signup", "sign-up", "sign up", "registration", "register",
                        "inscription", "newsletter", "waitlist", "join", "membership"})) {
    if (names.empty())
      names = {"Full name", "Email", "Country", "I agree to receive emails"};
    submit = "Sign up";
    thanks = "You're signed up. Welcome!";
  } else if (t.has_any({"contact", "enquiry", "inquiry", "support"})) {
    if (names.empty())
      names = {"Name", "Email", "Subject", "Message"};
    submit = "Send message";
    thanks = "Message sent. We'll get back to you soon.";
  }
  if (names.empty())
    names = {"Name", "Email", "Message"};
  nlohmann::json fields = nlohmann::json::array();
  int i = 0;
  for (auto& n : names)
    fields.push_back(field_for(n, i++));
  p.subtitle = subtitle;
  p.config = {{"storageKey", "form-" + slugify(title, 30)},
              {"fields", fields},
              {"submitLabel", submit},
              {"thanks", thanks}};
  return {{"index.html", render_page(t, p)}};
}

} // namespace spawn
