// Small progressive enhancements; everything works without this file.
// After htmx swaps a review pane in, move focus to its heading so keyboard and screen-reader
// users land where the content changed (the URL has already been pushed by hx-push-url).
document.addEventListener("htmx:afterSettle", function (event) {
  var swapped = event.detail && event.detail.elt;
  if (!swapped || !swapped.closest) return;
  // A region that updates in place (a progress bar polling, a row's details, a suggestion's
  // card) names where focus goes with data-swap-focus: a selector inside it, or "" to leave
  // focus where it is. Outside a review's workspace only such regions move focus.
  var region = swapped.closest("[data-swap-focus]");
  var target = document.getElementById("workspace");
  var inWorkspace = target && (swapped.id === "workspace" || target.contains(swapped));
  if (!inWorkspace && !region) return;
  if (!inWorkspace) target = region;
  // A pane swapped in with a field marked autofocus (the "Plan an action" form) puts the
  // keyboard there, as a full page load would.
  var field = region ? null : target.querySelector("[autofocus]");
  if (field) {
    field.focus();
    return;
  }
  var scope = region || target;
  var selector = region ? region.getAttribute("data-swap-focus") : "#pane-title";
  if (!selector) return;
  var heading = scope.querySelector("[role=alert]") || scope.querySelector(selector);
  if (heading) {
    if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: false });
  }
});
