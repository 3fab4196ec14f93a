// sitegen serve: reload this page after each rebuild; show build problems in an overlay.
// Served by `sitegen serve` only; never part of a built site. Messages are set as text, never as HTML.
(() => {
  const OVERLAY_ID = "sitegen-problems";
  const show = (problems) => {
    let box = document.getElementById(OVERLAY_ID);
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
  const events = new EventSource("/__sitegen/events");
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("problems", (e) => show(JSON.parse(e.data)));
})();
