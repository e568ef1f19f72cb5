const sample = "# Hello, Markdown\n\nType on the left. **Bold**, *italic*, `code` and [links](https://example.com) work.\n\n- a list\n- of things\n\n1. first\n2. second\n\n> a quote\n\n```\ncode block\n```\n";
$("#source").value = store.get("text", sample);
// Builds DOM nodes, never HTML strings: the preview cannot run a script.
function inline(text) {
  const out = [];
  const re = /(\*\*[^*]+\*\*|\*[^*]+\*|_[^_]+_|`[^`]+`|\[[^\]]+\]\([^)\s]+\))/g;
  let last = 0, m;
  while ((m = re.exec(text))) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const t = m[0];
    if (t.startsWith("**")) out.push(h("strong", { text: t.slice(2, -2) }));
    else if (t.startsWith("`")) out.push(h("code", { text: t.slice(1, -1) }));
    else if (t.startsWith("[")) {
      const label = t.slice(1, t.indexOf("]")), href = t.slice(t.indexOf("(") + 1, -1);
      out.push(/^(https?:|mailto:|#|\/)/i.test(href) ? h("a", { href, rel: "noopener", text: label }) : label);
    } else out.push(h("em", { text: t.slice(1, -1) }));
    last = m.index + t.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
function render() {
  const lines = $("#source").value.split("\n"), nodes = [];
  let list = null, para = [], code = null;
  const flush = () => { if (para.length) nodes.push(h("p", {}, ...inline(para.join(" ")))); para = []; list = null; };
  for (const line of lines) {
    if (code) { if (/^```/.test(line)) { nodes.push(h("pre", {}, h("code", { text: code.join("\n") }))); code = null; } else code.push(line); continue; }
    if (/^```/.test(line)) { flush(); code = []; continue; }
    let m;
    if ((m = /^(#{1,6})\s+(.*)$/.exec(line))) { flush(); nodes.push(h("h" + m[1].length, {}, ...inline(m[2]))); }
    else if ((m = /^\s*[-*+]\s+(.*)$/.exec(line)) || (m = /^\s*\d+[.)]\s+(.*)$/.exec(line))) {
      const kind = /^\s*\d/.test(line) ? "ol" : "ul";
      if (para.length) flush();
      if (!list || list.tagName.toLowerCase() !== kind) { list = h(kind, {}); nodes.push(list); }
      list.append(h("li", {}, ...inline(m[1])));
    } else if ((m = /^>\s?(.*)$/.exec(line))) { flush(); nodes.push(h("blockquote", {}, ...inline(m[1]))); }
    else if (/^(-{3,}|\*{3,})$/.test(line.trim())) { flush(); nodes.push(h("hr", {})); }
    else if (!line.trim()) flush();
    else { list = null; para.push(line.trim()); }
  }
  flush();
  if (code) nodes.push(h("pre", {}, h("code", { text: code.join("\n") })));
  $("#preview").replaceChildren(...nodes);
  const text = $("#source").value;
  $("#stats").textContent = (text.trim() ? text.trim().split(/\s+/).length : 0) + " words \u00b7 " + text.length + " characters";
  store.set("text", text);
}
$("#source").addEventListener("input", render);
$("#export").addEventListener("click", () => {
  const a = h("a", { href: URL.createObjectURL(new Blob([$("#source").value], { type: "text/markdown" })), download: "document.md" });
  document.body.append(a); a.click(); a.remove();
});
$("#copy-html").addEventListener("click", () => { if (navigator.clipboard) navigator.clipboard.writeText($("#preview").innerHTML).then(() => announce("HTML copied"), () => announce("Copy refused by the browser")); });
render();
