// newsgen default theme: the search page, on Pagefind's own interface (everything runs in the browser).
window.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") { return; }
  var ui = new PagefindUI({ element: "#search", showImages: false, baseUrl: box.dataset.base || "/",
                            translations: { placeholder: "Search articles" } });
  // Pagefind's input has a placeholder but no accessible name; give it one as soon as it exists.
  var label = function () {
    var input = box.querySelector("input[type=text], input[type=search]");
    if (input && !input.hasAttribute("aria-label")) { input.setAttribute("aria-label", "Search articles"); }
    return Boolean(input);
  };
  if (!label()) {
    var watcher = new MutationObserver(function () { if (label()) { watcher.disconnect(); } });
    watcher.observe(box, { childList: true, subtree: true });
  }
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { ui.triggerSearch(query); }
});
