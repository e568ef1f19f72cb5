const city = CONFIG.city.length ? CONFIG.city[0].value : "";
$("#trade").textContent = CONFIG.trade.label + (city ? " \u00b7 " + city : "");
$("#tagline").textContent = CONFIG.trade.tagline;
$("#services").replaceChildren(...CONFIG.trade.services.slice(0, 6).map((s) => h("article", { class: "card" }, h("h3", { text: s.name }), h("p", { class: "muted", text: s.text }))));
const sent = store.get("messages", []);
$("#contact-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const msg = { name: $("#c-name").value.trim(), email: $("#c-email").value.trim(), message: $("#c-message").value.trim(), at: new Date().toISOString() };
  if (!msg.name || !msg.email || !msg.message) return;
  sent.push(msg);
  store.set("messages", sent);
  $("#contact-form").reset();
  $("#thanks").hidden = false;
  $("#thanks").textContent = "Thank you, " + msg.name + "! " + CONFIG.business + " will get back to you soon. (Saved in this browser: a live site would email it.)";
  announce($("#thanks").textContent);
});
