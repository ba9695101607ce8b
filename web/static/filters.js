// Progressive enhancement of the search filters: a ticked box applies at once, so nobody
// has to find the "Filters toepassen" button far below (it stays for pages without
// JavaScript). After the new page loads, focus returns to the box that was changed, so a
// keyboard or screen-reader user keeps their place. No inline code: the CSP forbids it.
(function () {
  "use strict";
  var form = document.querySelector("form.facet-form");
  if (!form) {
    return;
  }
  var KEY = "kennisbank-filter-focus";
  try {
    var id = window.sessionStorage.getItem(KEY);
    window.sessionStorage.removeItem(KEY);
    var box = id ? document.getElementById(id) : null;
    if (box) {
      box.focus();
    }
  } catch (e) {
    // storage may be switched off; the filters still work
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
      window.sessionStorage.setItem(KEY, target.id);
    } catch (e) {
      // no storage: the page still updates, focus starts at the top
    }
    form.submit();
  });
})();
