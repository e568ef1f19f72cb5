let options = store.get("options", null) || (CONFIG.yesno ? ["Yes", "No"] : CONFIG.options.slice());
let used = [];
const history = [];
function render() {
  $("#options").replaceChildren(...options.map((o, i) => h("li", { class: used.includes(o) ? "used" : "" }, h("span", { text: o }),
    h("button", { type: "button", class: "icon", "aria-label": "Remove " + o, text: "\u2715", onclick: () => { options.splice(i, 1); store.set("options", options); render(); } }))));
  $("#history").textContent = history.length ? "Picked so far: " + history.join(", ") : "";
}
function pick() {
  if (!options.length) { $("#pick").textContent = "Add an option first"; return; }
  let pool = $("#no-repeat").checked ? options.filter((o) => !used.includes(o)) : options;
  if (!pool.length) { used = []; pool = options; }
  const choice = pool[Math.floor(Math.random() * pool.length)];
  used.push(choice);
  history.push(choice);
  $("#pick").textContent = choice;
  announce("Picked " + choice);
  render();
}
$("#go").addEventListener("click", pick);
$("#add-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const v = $("#new-option").value.trim();
  if (!v) return;
  options.push(v); store.set("options", options); $("#new-option").value = ""; render();
});
render();
