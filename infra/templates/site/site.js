"use strict";
// Mobile menu and the contact form of the generated site.
(function () {
  document.documentElement.classList.add("js");
  var menu = document.getElementById("menu");
  var nav = document.getElementById("nav");
  if (menu && nav) {
    menu.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      menu.setAttribute("aria-expanded", String(open));
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && nav.classList.contains("open")) {
        nav.classList.remove("open");
        menu.setAttribute("aria-expanded", "false");
        menu.focus();
      }
    });
  }
  var form = document.getElementById("contact-form");
  if (!form) return;
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var error = document.getElementById("c-error");
    var fields = [["c-name", "your name"], ["c-email", "your email"], ["c-message", "a message"]];
    for (var i = 0; i < fields.length; i++) {
      var el = document.getElementById(fields[i][0]);
      var bad = !el.value.trim() || (el.type === "email" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(el.value.trim()));
      el.setAttribute("aria-invalid", String(bad));
      if (bad) {
        error.textContent = "Please enter " + fields[i][1] + ".";
        el.focus();
        return;
      }
    }
    error.textContent = "";
    try {
      var saved = JSON.parse(localStorage.getItem("spawn:site:messages") || "[]");
      saved.push({ at: new Date().toISOString(), name: form.name.value, email: form.email.value, message: form.message.value });
      localStorage.setItem("spawn:site:messages", JSON.stringify(saved));
    } catch (err) { /* storage unavailable: the thank-you still shows */ }
    form.reset();
    document.getElementById("c-ok").hidden = false;
  });
})();
