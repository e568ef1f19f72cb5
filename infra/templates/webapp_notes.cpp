// Webapp template "notes": a notes app / journal with search, pinning,
// autosave, word count and export, kept in localStorage.

#include "infra/templates/templates.hpp"

namespace spawn {

namespace {

const char* const notes_css = R"css(
.notes{display:grid;grid-template-columns:280px 1fr;gap:16px;align-items:start}
.side{padding:14px}
.side .row{margin-bottom:10px;flex-wrap:nowrap}
.note-list{list-style:none;margin:0;padding:0;max-height:60vh;overflow:auto}
.note-list li+li{margin-top:4px}
.note-btn{display:block;width:100%;text-align:left;background:transparent;color:var(--fg);border:1px solid transparent;padding:9px 10px;font-weight:400}
.note-btn:hover{background:var(--soft);filter:none}
.note-btn[aria-current=true]{background:var(--soft);border-color:var(--accent)}
.note-btn strong{display:block;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.note-btn small{display:block;color:var(--muted);white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.editor{display:flex;flex-direction:column;gap:10px}
.editor .title-input{font-size:1.3rem;font-weight:700;border-color:transparent;background:transparent}
.editor textarea{min-height:46vh;line-height:1.6;background:transparent}
.meta{justify-content:space-between;font-size:.85rem}
@media (max-width:720px){.notes{grid-template-columns:1fr}.note-list{max-height:30vh}.editor textarea{min-height:40vh}}
)css";

const char* const notes_body = R"html(
<div class="notes">
  <nav class="card side" aria-label="Notes">
    <div class="row">
      <label for="search" class="sr-only">Search notes</label>
      <input id="search" type="search" class="grow" placeholder="Search…">
      <button type="button" id="new-note" aria-label="New note">+ New</button>
    </div>
    <ul id="note-list" class="note-list"></ul>
    <p id="no-match" class="empty" hidden>No note matches.</p>
  </nav>
  <section class="card editor" aria-label="Editor">
    <label for="note-title" class="sr-only">Title</label>
    <input id="note-title" class="title-input" type="text" maxlength="120" placeholder="Title">
    <label for="note-body" class="sr-only">Note</label>
    <textarea id="note-body" placeholder="Start writing…"></textarea>
    <div class="row meta">
      <span id="status" class="muted" aria-live="polite"></span>
      <div class="row">
        <button type="button" id="pin" class="ghost" aria-pressed="false">Pin</button>
        <button type="button" id="export" class="ghost">Export</button>
        <button type="button" id="delete" class="danger">Delete</button>
      </div>
    </div>
  </section>
</div>
)html";

const char* const notes_js = R"js(
let notes = store.get("notes", null);
if (!Array.isArray(notes) || notes.length === 0) {
  notes = [{ id: uid(), title: CONFIG.welcomeTitle, body: CONFIG.welcomeBody, pinned: false, updated: Date.now() }];
}
let currentId = store.get("current", notes[0].id);
let saveTimer = null;

function current() { return notes.find((n) => n.id === currentId) || notes[0]; }
function save() { store.set("notes", notes); store.set("current", currentId); }
function words(text) { const m = text.trim().match(/\S+/g); return m ? m.length : 0; }
function when(ms) {
  const d = new Date(ms);
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay ? d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : d.toLocaleDateString();
}
function newTitle() {
  return CONFIG.dated ? new Date().toLocaleDateString([], { weekday: "long", day: "numeric", month: "long" }) : "";
}

function renderList() {
  const q = $("#search").value.trim().toLowerCase();
  const shown = notes
    .filter((n) => !q || (n.title + " " + n.body).toLowerCase().includes(q))
    .sort((a, b) => (b.pinned - a.pinned) || (b.updated - a.updated));
  $("#note-list").replaceChildren(...shown.map((n) => h("li", {},
    h("button", { type: "button", class: "note-btn", "aria-current": String(n.id === currentId),
      onclick: () => { currentId = n.id; save(); renderAll(); $("#note-body").focus(); } },
      h("strong", { text: (n.pinned ? "\u{1F4CC} " : "") + (n.title || "Untitled") }),
      h("small", { text: when(n.updated) + " \u00b7 " + (n.body.replace(/\s+/g, " ").slice(0, 60) || "Empty") })))));
  $("#no-match").hidden = shown.length > 0;
}

function renderEditor() {
  const n = current();
  $("#note-title").value = n.title;
  $("#note-body").value = n.body;
  $("#pin").setAttribute("aria-pressed", String(!!n.pinned));
  $("#pin").textContent = n.pinned ? "Unpin" : "Pin";
  status("Saved");
}

function status(state) {
  const n = current();
  $("#status").textContent = state + " \u00b7 " + words(n.body) + " words \u00b7 " + n.body.length + " characters";
}

function renderAll() { renderList(); renderEditor(); }

function edited() {
  const n = current();
  n.title = $("#note-title").value;
  n.body = $("#note-body").value;
  n.updated = Date.now();
  status("Saving\u2026");
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => { save(); renderList(); status("Saved"); }, 400);
}

$("#note-title").addEventListener("input", edited);
$("#note-body").addEventListener("input", edited);
$("#search").addEventListener("input", renderList);
$("#new-note").addEventListener("click", () => {
  const n = { id: uid(), title: newTitle(), body: "", pinned: false, updated: Date.now() };
  notes.unshift(n);
  currentId = n.id;
  $("#search").value = "";
  save();
  renderAll();
  (n.title ? $("#note-body") : $("#note-title")).focus();
  announce("New note");
});
$("#pin").addEventListener("click", () => { const n = current(); n.pinned = !n.pinned; save(); renderAll(); });
$("#delete").addEventListener("click", () => {
  const n = current();
  if (!confirm("Delete \u201c" + (n.title || "Untitled") + "\u201d?")) return;
  notes = notes.filter((x) => x !== n);
  if (notes.length === 0) notes.push({ id: uid(), title: newTitle(), body: "", pinned: false, updated: Date.now() });
  currentId = notes[0].id;
  save();
  renderAll();
  announce("Note deleted");
});
$("#export").addEventListener("click", () => {
  const n = current();
  const blob = new Blob([(n.title ? "# " + n.title + "\n\n" : "") + n.body], { type: "text/markdown" });
  const a = h("a", { href: URL.createObjectURL(blob), download: (n.title || "note").replace(/[^\w\- ]+/g, "").trim().slice(0, 60) + ".md" });
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 0);
});
document.addEventListener("keydown", (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === "s") { e.preventDefault(); clearTimeout(saveTimer); save(); renderList(); status("Saved"); }
});
renderAll();
)js";

} // namespace

std::vector<app_file> notes_webapp(const prompt_traits& t, const std::string& title) {
  page_parts p;
  p.title = title;
  p.default_accent = "#d97706";
  p.css = notes_css;
  p.body = notes_body;
  p.js = notes_js;
  bool dated = t.has_any({"journal", "diary", "journal intime", "daily", "log", "carnet"});
  p.subtitle = dated ? "One entry a day, written and saved right here in your browser."
                     : "Write things down. Everything saves as you type, in this browser.";
  std::string welcome = "Welcome to " + title;
  std::string body =
    "This is your first note. Edit it, or press \xe2\x80\x9c+ New\xe2\x80\x9d to start another.\n\n"
    "\xe2\x80\xa2 Notes save automatically as you type (Ctrl+S works too).\n"
    "\xe2\x80\xa2 Pin the important ones to keep them on top.\n"
    "\xe2\x80\xa2 Search looks through titles and text.\n"
    "\xe2\x80\xa2 Export downloads a note as a Markdown file.";
  p.config = {{"storageKey", "notes"},
              {"dated", dated},
              {"welcomeTitle", welcome},
              {"welcomeBody", body}};
  return {{"index.html", render_page(t, p)}};
}

} // namespace spawn
