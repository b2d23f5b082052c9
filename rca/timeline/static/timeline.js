// The timeline: selecting an event (in the picture or the table) loads its details beside the
// picture through htmx instead of reloading the page, and keeps the choice in the address so a
// refresh shows it again. Without this file the same links open the page with the details.
(function () {
  if (window.rcaTimeline) return;
  window.rcaTimeline = true;
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-event-detail]");
    if (!link || !window.htmx || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    var page = link.getAttribute("href");
    htmx.ajax("GET", link.getAttribute("data-event-detail"), { target: "#tl-detail", swap: "innerHTML" });
    history.replaceState(history.state, "", page);
    document.querySelectorAll(".tl-selected").forEach(function (el) { el.classList.remove("tl-selected"); });
    var shape = link.querySelector("circle, path");
    if (shape) shape.classList.add("tl-selected");
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "tl-detail") return;
    var heading = document.getElementById("tl-detail-title");
    if (heading) heading.focus({ preventScroll: true });
  });
})();
