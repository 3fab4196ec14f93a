// Mounts Pagefind's UI and runs the query passed from the header search box (?q=...). One box:
// on this page the header's box holds the query and drives the search; Pagefind's own is hidden.
(function () {
  var root = document.getElementById("search");
  if (!root || typeof PagefindUI === "undefined") {
    if (root) root.textContent = "The search index is not available on this build.";
    return;
  }
  var ui = new PagefindUI({ element: "#search", bundlePath: root.dataset.bundle, showSubResults: true, showImages: false });
  var box = document.querySelector("header input[name=q]");
  var form = box && box.form;
  var q = new URLSearchParams(window.location.search).get("q") || "";
  var timer = null;
  function run(term) {
    var url = new URL(window.location.href);
    if (term) url.searchParams.set("q", term); else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);  // a reload or a shared link keeps the query
    ui.triggerSearch(term);
  }
  if (box) {
    box.value = q;
    box.setAttribute("aria-controls", "search");
    form.addEventListener("submit", function (event) {
      event.preventDefault();  // already here: search in place
      clearTimeout(timer);
      run(box.value.trim());
    });
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { run(box.value.trim()); }, 300);
    });
    document.documentElement.classList.add("search-in-header");
  }
  if (q) ui.triggerSearch(q);
})();
