// Small progressive enhancements; everything works without this file.
// After htmx swaps a review pane in, move focus to its heading so keyboard and screen-reader
// users land where the content changed (the URL has already been pushed by hx-push-url).
document.addEventListener("htmx:afterSettle", function (event) {
  var swapped = event.detail && event.detail.elt;
  var target = document.getElementById("workspace");
  if (!target || !swapped || (swapped.id !== "workspace" && !target.contains(swapped))) return;
  var alert = target.querySelector("[role=alert]");
  var heading = alert || target.querySelector("#pane-title");
  if (heading) {
    if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: false });
  }
});
