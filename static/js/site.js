// Manabi's small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  var SAVED_CACHE = "manabi-saved-v1";

  // The language switcher submits as soon as a language is picked; its button remains for no-JS.
  var select = document.getElementById("lang-select");
  if (select && select.form) {
    select.addEventListener("change", function () { select.form.submit(); });
  }

  // Phones: the header's links fold behind one "Menu" button.
  var toggle = document.querySelector(".menu-toggle");
  var menu = document.getElementById("site-menu");
  if (toggle && menu) {
    toggle.hidden = false;
    toggle.closest(".site-header").classList.add("has-menu");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("open", open);
    });
  }

  // Destructive actions ask first: forms and buttons marked data-confirm="question".
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var question = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // Signing out forgets the pages saved for offline use (the server also sends Clear-Site-Data).
  document.querySelectorAll("form.sign-out").forEach(function (form) {
    form.addEventListener("submit", function () {
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ type: "forget" });
      }
      if (window.caches) { window.caches.delete(SAVED_CACHE); }
    });
  });

  // The installable app's service worker; signed-out pages never ask it to keep anything private.
  if ("serviceWorker" in navigator && document.body.dataset.sw) {
    if (!document.body.hasAttribute("data-signed-in") && window.caches) {
      window.caches.delete(SAVED_CACHE);
    }
    navigator.serviceWorker.register(document.body.dataset.sw, { scope: "/" }).catch(function () {});
  }

  // Offline: say so, and how old the page on screen is.
  var banner = document.getElementById("offline-banner");
  function showOffline() {
    if (!banner) return;
    var stamp = document.body.dataset.renderedAt ? new Date(document.body.dataset.renderedAt) : null;
    var when = stamp ? stamp.toLocaleString(document.documentElement.lang) : "";
    banner.textContent = banner.dataset.text.replace("{time}", when);
    banner.hidden = false;
  }
  function hideOffline() { if (banner) banner.hidden = true; }
  window.addEventListener("offline", showOffline);
  window.addEventListener("online", hideOffline);
  if (navigator.onLine === false) showOffline();
})();
