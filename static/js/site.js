// Manabi's small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  // The language switcher submits as soon as a language is picked; its button remains for no-JS.
  var select = document.getElementById("lang-select");
  if (select && select.form) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
})();
