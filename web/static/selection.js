// Progressive enhancement of "Aan selectie toevoegen" / "Uit selectie": the change is made
// in place (a fetch of the same POST, answered with JSON), so the page keeps its scroll
// position and focus, the count in the menu follows, a live region confirms it, and no
// history entry is added. Without JavaScript the form posts and returns to #r-<slug>.
(function () {
  "use strict";
  var LABELS = {
    toevoegen: "Aan selectie toevoegen",
    verwijderen: "Uit selectie",
  };
  var DONE = {
    toevoegen: "Toegevoegd aan je selectie. ",
    verwijderen: "Verwijderd uit je selectie. ",
  };

  function confirmText(status, action) {
    status.textContent = DONE[action];
    var link = document.createElement("a");
    link.href = "/selectie";
    link.textContent = "Bekijk je selectie";
    status.appendChild(link);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("select-form") || !window.fetch) {
      return;
    }
    event.preventDefault();
    var action = form.querySelector('input[name="actie"]');
    var button = form.querySelector("button");
    var done = action.value;
    window
      .fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (answer) {
        action.value = answer.selected ? "verwijderen" : "toevoegen";
        button.firstChild.nodeValue = LABELS[action.value];
        var badge = document.querySelector(".site-header .badge");
        if (badge) {
          badge.textContent = String(answer.count);
        }
        var status = form.nextElementSibling;
        if (status && status.classList.contains("confirm")) {
          confirmText(status, done);
        }
      })
      .catch(function () {
        form.submit(); // the plain post still works
      });
  });
})();
