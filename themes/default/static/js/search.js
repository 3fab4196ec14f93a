// Mounts Pagefind's UI and runs the query passed from the header search box (?q=...). One box:
// on this page the header's box holds the query and drives the search; Pagefind's own is hidden.
// The index comes in shards (a bundle per year, see sitegen/search.py): shards.json names the
// main bundle and the others, which Pagefind merges into one result list (mergeIndex).
// A word missing from a shard's index makes Pagefind search that shard for the word's longest
// prefix it has ("haniyeh" finds "ha"), and such matches could outrank true ones from another
// shard; a high term similarity weight ranks them last (measured in bench/search_merge.py).
var RANKING = { termSimilarity: 5 };
(function () {
  var root = document.getElementById("search");
  function unavailable() {
    if (root) root.textContent = "The search index is not available on this build.";
  }
  if (!root || typeof PagefindUI === "undefined") return unavailable();
  var base = root.dataset.bundle;
  fetch(base + "shards.json")
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(mount, unavailable);

  function mount(shards) {
    var ui = new PagefindUI({
      element: "#search",
      bundlePath: base + shards.main,
      mergeIndex: shards.merge.map(function (key) { return { bundlePath: base + key, ranking: RANKING }; }),
      ranking: RANKING,
      showSubResults: true,
      showImages: false
    });
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
  }
})();
