// The analysis pane's small enhancements; everything works without this file.
(function () {
  "use strict";
  // The pane's script tags run again when htmx swaps the workspace back in: one copy only.
  if (window.RCAFishbone) return;
  window.RCAFishbone = true;

  // The picture reloads when someone else changes the review: keep it scrolled where it was.
  var figureScroll = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || (target.id !== "fb-figure" && target.id !== "fb-region")) return;
    var scroller = document.getElementById("fb-figure-scroll");
    figureScroll = scroller ? [scroller.scrollLeft, scroller.scrollTop] : null;
  });
  document.addEventListener("htmx:afterSwap", function () {
    var scroller = figureScroll && document.getElementById("fb-figure-scroll");
    if (scroller) {
      scroller.scrollLeft = figureScroll[0];
      scroller.scrollTop = figureScroll[1];
    }
    figureScroll = null;
  });

  // After htmx swaps the analysis region (or the drawer), put focus where the server said
  // (data-swap-focus), e.g. back in the quick-add box so the next cause can be typed at once.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    var id = target && target.id;
    if (id && /^cause-\d+-panel$/.test(id)) {
      // A row's panel opened: focus its first field (or the "why?" box).
      var panel = target.querySelector(".fb-panel[data-focus]");
      var first = panel && panel.querySelector(panel.getAttribute("data-focus"));
      if (first) first.focus();
      return;
    }
    if (id !== "fb-region" && id !== "fb-drawer") return;
    var region = document.getElementById(id);
    if (!region) return;
    var selector = region.getAttribute("data-swap-focus");
    if (!selector) return;
    var el = region.querySelector(selector) || document.querySelector(selector);
    if (!el) return;
    if (!el.matches("input, select, textarea, button, a[href]") && !el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "-1");
    }
    el.focus({ preventScroll: false });
  });

  // Clicking a cause in the picture takes you to its row in the outline.
  document.addEventListener("click", function (event) {
    var cause = event.target.closest && event.target.closest("svg.fishbone .fb-cause[data-cause-id]");
    if (!cause) return;
    var text = document.getElementById("cause-" + cause.getAttribute("data-cause-id") + "-text");
    if (text) {
      text.scrollIntoView({ block: "center" });
      text.focus({ preventScroll: true });
    }
  });
})();
