// After htmx swaps in the workspace with a form marked autofocus (the "Plan an action" form),
// put the keyboard there, as a full page load would.
document.addEventListener("htmx:afterSettle", function () {
  var field = document.querySelector("#workspace [autofocus]");
  if (field && document.activeElement !== field && !field.dataset.focused) {
    field.dataset.focused = "1";
    field.focus();
  }
});
