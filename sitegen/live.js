// sitegen serve: reload this page after each rebuild; show build problems in an overlay.
// Served by `sitegen serve` only; never part of a built site. Messages are set as text, never as HTML.
(() => {
  const OVERLAY_ID = "sitegen-problems";
  // the problems heard since the last reload began: a swap that ends after them shows them again
  // (those heard before belong to the page being replaced)
  let shown = [];
  const show = (problems) => {
    shown = problems;
    let box = document.getElementById(OVERLAY_ID);
    if (problems.length === 0) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = OVERLAY_ID;
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 1rem 1rem 1rem;max-height:60vh;overflow:auto;z-index:2147483647;" +
        "background:#2b0b0b;color:#ffe9e9;font:14px/1.5 ui-monospace,monospace;padding:1rem 1.2rem;" +
        "border-left:6px solid #ff5a5a;border-radius:6px;box-shadow:0 6px 30px rgba(0,0,0,.4)";
      document.body.appendChild(box);
    }
    box.replaceChildren();
    const title = document.createElement("strong");
    title.textContent = `sitegen: the last rebuild reported ${problems.length} problem${problems.length === 1 ? "" : "s"}`;
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "×";
    close.setAttribute("aria-label", "Hide");
    close.style.cssText = "float:right;background:none;border:0;color:inherit;font-size:1.2rem;cursor:pointer";
    close.onclick = () => box.remove();
    const list = document.createElement("ul");
    list.style.cssText = "margin:.5rem 0 0;padding-left:1.2rem";
    for (const p of problems) {
      const item = document.createElement("li");
      item.className = "sitegen-problem";
      item.textContent = `${p.path}${p.line ? ":" + p.line : ""}: ${p.level}: ${p.message}`;
      list.appendChild(item);
    }
    box.append(close, title, list);
  };
  // the page's path: the server makes the open pages first when an edit comes
  const events = new EventSource("/__sitegen/events?page=" + encodeURIComponent(location.pathname));
  // A script other than data (JSON-LD) or this one: the page runs code, which a swap would not
  // run again, so it is reloaded whole.
  const runsCode = (root) =>
    [...root.querySelectorAll("script")].some(
      (s) => s.type !== "application/ld+json" && s.getAttribute("src") !== "/__sitegen/live.js");
  const styles = (head) =>
    [...head.querySelectorAll('link[rel~="stylesheet"], style')].map((e) => e.outerHTML).join("\n");
  // The new page in place of the old, without a reload: its styles are not fetched again and the
  // reader keeps their place. Only for pages that run no code and keep their styles; any doubt
  // (an error, a redirect, another page) and the page is reloaded as usual.
  const swap = async () => {
    shown = [];
    try {
      const response = await fetch(location.href, { cache: "no-store" });
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok || response.redirected || !type.startsWith("text/html")) throw new Error("reload");
      const next = new DOMParser().parseFromString(await response.text(), "text/html");
      if (runsCode(document) || runsCode(next) || styles(next.head) !== styles(document.head)) throw new Error("reload");
      const kept = (e) => e.matches('link[rel~="stylesheet"], style');
      for (const e of [...document.head.children]) if (!kept(e)) e.remove();
      for (const e of [...next.head.children]) if (!kept(e)) document.head.appendChild(document.adoptNode(e));
      next.body.querySelectorAll("script[src='/__sitegen/live.js']").forEach((e) => e.remove());
      document.body.replaceWith(document.adoptNode(next.body));
      if (shown.length) show(shown);
    } catch {
      location.reload();
    }
  };
  events.addEventListener("reload", swap);
  events.addEventListener("problems", (e) => show(JSON.parse(e.data)));
})();
