// newsgen default theme: the search page, on Pagefind's own interface (everything runs in the browser).
window.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") { return; }
  var ui = new PagefindUI({ element: "#search", showImages: false, baseUrl: box.dataset.base || "/",
                            translations: { placeholder: "Search articles" } });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { ui.triggerSearch(query); }
});
