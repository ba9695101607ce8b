// Editors' preview (only served with `kennisbank serve --watch`): when the index is rebuilt
// after a save, or a save is refused with errors, the open page reloads itself so the editor
// sees the new text or the errors. It asks /redactie/status every 1.5 s while the tab is
// visible. No inline code: the CSP forbids it.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="kennisbank-preview"]');
  if (!meta || !window.fetch) {
    return;
  }
  var shown = meta.getAttribute("content");
  function check() {
    if (document.hidden) {
      return;
    }
    window
      .fetch("/redactie/status", { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        if (answer && answer.stamp && answer.stamp !== shown) {
          shown = answer.stamp;
          window.location.reload();
        }
      })
      .catch(function () {
        // the server is restarting: try again on the next tick
      });
  }
  window.setInterval(check, 1500);
})();
