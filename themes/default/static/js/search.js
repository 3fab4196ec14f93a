// Mounts Pagefind's UI and runs the query passed from the header search box (?q=...).
(function () {
  var root = document.getElementById("search");
  if (!root || typeof PagefindUI === "undefined") {
    if (root) root.textContent = "The search index is not available on this build.";
    return;
  }
  var ui = new PagefindUI({ element: "#search", bundlePath: root.dataset.bundle, showSubResults: true, showImages: false });
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) ui.triggerSearch(q);
})();
