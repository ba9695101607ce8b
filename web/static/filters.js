// Progressive enhancement of the search filters: a ticked box applies at once, so nobody
// has to find the "Filters toepassen" button far below (it stays for pages without
// JavaScript). After the new page loads, the reader is taken to the new count (on a phone
// the filters sit below the results, out of sight of it) and a live region announces it;
// "Naar de filters" right below the count leads back. Without JavaScript the form's
// action (#aantal) does the same. No inline code: the CSP forbids it.
(function () {
  "use strict";
  var form = document.querySelector("form.facet-form");
  if (!form) {
    return;
  }
  var KEY = "kennisbank-filter-applied";
  var applied = false;
  try {
    applied = window.sessionStorage.getItem(KEY) === "1";
    window.sessionStorage.removeItem(KEY);
  } catch (e) {
    // storage may be switched off; the filters still work
  }
  var count = document.getElementById("aantal");
  var status = document.getElementById("filter-status");
  if (applied && count) {
    count.focus();
    count.scrollIntoView({ block: "start" });
    if (status) {
      // filled after load, so screen readers announce it as a change
      window.setTimeout(function () {
        status.textContent = "Filter toegepast: " + count.textContent.trim();
      }, 100);
    }
  }
  var button = form.querySelector(".facet-apply");
  if (button) {
    button.hidden = true;
  }
  var hint = form.querySelector(".facet-hint");
  if (hint) {
    hint.hidden = false;
  }
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (!target || target.type !== "checkbox") {
      return;
    }
    try {
      window.sessionStorage.setItem(KEY, "1");
    } catch (e) {
      // no storage: the page still updates and opens at its count (#aantal)
    }
    form.submit();
  });
})();
