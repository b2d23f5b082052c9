// The guidance panel's "Go to fix" links open a pane at an anchor (#cause-12, #action-3,
// #target). After htmx swaps the pane in (app.js has moved focus to the pane's heading), this
// moves focus and the view to the anchored element, so keyboard and screen-reader users land on
// the thing to fix, not at the top of the pane. Everything still works without this file: the
// links are plain links with a fragment.
(function () {
  function focusAnchor() {
    var id = decodeURIComponent((window.location.hash || "").slice(1));
    if (!id) return;
    var el = document.getElementById(id);
    var workspace = document.getElementById("workspace");
    if (!el || !workspace || !workspace.contains(el)) return;
    // An anchor inside a closed <details> would be invisible: open it.
    for (var p = el.parentElement; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") p.open = true;
    }
    if (!el.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) {
      el.setAttribute("tabindex", "-1");
    }
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "start" });
    el.classList.add("guidance-target");
  }
  // Only after a fix link's own swap: other swaps of the pane must not pull focus back here.
  var pending = false;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    pending = !!(elt && elt.classList && elt.classList.contains("rule__fix"));
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!pending) return;
    pending = false;
    focusAnchor();
  });
  document.addEventListener("DOMContentLoaded", focusAnchor);
})();
