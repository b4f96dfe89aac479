// newsgen default theme: small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Today's date in the masthead. It is filled in by the reader's browser, so that a page built
  // yesterday never shows a stale date and pages need not be rebuilt when the day changes.
  var today = document.querySelector("[data-today]");
  if (today) {
    var now = new Date();
    var lang = document.documentElement.lang || "en";
    try {
      today.textContent = new Intl.DateTimeFormat(lang, { weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(now);
    } catch (e) {
      today.textContent = now.toDateString();
    }
    today.hidden = false;
  }
})();
