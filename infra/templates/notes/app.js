
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
