// Mounts Pagefind's UI and runs the query passed from the header search box (?q=...).
(function () {
  var root = document.getElementById("search");
  if (!root || typeof PagefindUI === "undefined") {
    if (root) root.textContent = "The search index is not available on this build.";
    return;
  }
  var ui = new PagefindUI({ element: "#search", bundlePath: root.dataset.bundle, showSubResults: true, showImages: false });
  // Pagefind's box is named only by its title attribute; screen readers get the page heading
  var input = root.querySelector("input[type=text], input[type=search]");
  if (input) input.setAttribute("aria-labelledby", "search-title");
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) ui.triggerSearch(q);
})();
