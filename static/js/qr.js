// The QR page: real full screen (with a CSS fallback where the Fullscreen API is missing, as on
// iPhone Safari) and the screen kept awake while the code is shown.
(function () {
  "use strict";
  var page = document.getElementById("qr-full");
  var button = document.getElementById("qr-fullscreen");
  if (!page || !button) return;
  var enterLabel = button.textContent;
  var exitLabel = button.getAttribute("data-exit");
  var canFullscreen = !!(document.documentElement.requestFullscreen && document.fullscreenEnabled !== false);

  function isFull() {
    return !!document.fullscreenElement || document.body.classList.contains("qr-fallback-full");
  }
  function render() {
    button.textContent = isFull() ? exitLabel : enterLabel;
    button.setAttribute("aria-pressed", isFull() ? "true" : "false");
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    if (isFull()) {
      if (document.fullscreenElement) { document.exitFullscreen(); }
      document.body.classList.remove("qr-fallback-full");
    } else if (canFullscreen) {
      document.documentElement.requestFullscreen().catch(function () {
        document.body.classList.add("qr-fallback-full");
        render();
      });
    } else {
      document.body.classList.add("qr-fallback-full");
    }
    render();
  });
  document.addEventListener("fullscreenchange", render);

  // Screen wake lock: asked for again whenever the page comes back into view (the system drops it).
  var lock = null;
  var hint = document.getElementById("qr-wake");
  function keepAwake() {
    if (!("wakeLock" in navigator) || document.visibilityState !== "visible") return;
    navigator.wakeLock.request("screen").then(function (sentinel) {
      lock = sentinel;
      document.body.dataset.wakeLock = "on";
      if (hint) hint.hidden = false;
      sentinel.addEventListener("release", function () { document.body.dataset.wakeLock = "off"; });
    }).catch(function () { document.body.dataset.wakeLock = "refused"; });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && (!lock || lock.released)) keepAwake();
  });
  keepAwake();
})();
