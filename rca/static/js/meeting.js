// Meeting mode and live sync: keeps live regions from clobbering what someone is doing, keeps
// keyboard focus on the same cause across reloads, shows conflicts, announces changes, and
// wires Ctrl+Z to undo. Everything works without it except the niceties (the poller is htmx).
// The Analysis pane loads it too, for the same guard over its picture and outline.
(function () {
  "use strict";
  // The pane's script tags run again when htmx swaps the workspace back in: one copy only.
  if (window.RCAMeeting) return;

  var ownChangeAt = 0;
  // The cause whose row should have focus once the outline has been redrawn, and the row
  // element it had before (other regions settle first; only a new row means "redrawn").
  var pendingFocus = null;
  var pendingFrom = null;
  var pendingTries = 0;
  function keepFocusOn(id) {
    pendingFocus = String(id);
    pendingFrom = lineFor(pendingFocus);
    pendingTries = 0;
  }
  function lineFor(id) {
    return document.querySelector('[data-outline] [data-cause-id="' + id + '"] > .outline-row__line');
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function announce(message) {
    var live = document.getElementById("mt-announce");
    if (!live) return;
    // Clearing first makes screen readers read the same message twice in a row too.
    live.textContent = "";
    window.setTimeout(function () { live.textContent = message; }, 50);
  }

  function say(message, refused) {
    var said = document.getElementById("mt-said");
    if (said) {
      said.textContent = message;
      said.classList.toggle("meeting-said--refused", !!refused);
    }
  }

  // Text typed but not yet sent (the pane's "Add a cause" box, even once focus has left it).
  function typedIn(region) {
    return Array.prototype.some.call(
      region.querySelectorAll("textarea, input:not([type]), input[type=text], input[type=search]"),
      function (field) { return field.value !== field.defaultValue; }
    );
  }

  // A region is busy while someone types in it, edits a row in it or drags from it.
  function busy(region) {
    if (region.querySelector("[data-editing]") || document.body.classList.contains("is-dragging")) {
      return true;
    }
    if (typedIn(region)) return true;
    var active = document.activeElement;
    if (!active || !region.contains(active)) return false;
    // An empty box that is focused by id again after the swap (the pane's "Add a cause", where
    // focus rests between causes) loses nothing: it does not hold the reload.
    if (active.matches("[data-live-refocus]") && active.id && active.value === "") return false;
    return active.matches("input, textarea, select, [contenteditable]");
  }

  // The newest change token this page already shows (from the answer to our own change) and
  // the one the poller just reported: a region whose answer carried the change need not reload.
  var answeredToken = null;
  var polledToken = null;
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    var xhr = event.detail.xhr;
    var token = xhr && xhr.getResponseHeader("X-Live-Token");
    if (!token || xhr.status >= 300) return;
    var elt = event.detail.elt;
    if (elt && elt.hasAttribute && elt.hasAttribute("data-live-poller")) polledToken = token;
    else answeredToken = token;
  });

  // The poller reporting our own change a moment later: every region already reloaded for it
  // (or was redrawn by its answer), so it skips that one. A region marked
  // data-live-answered-by="<selector>" is redrawn by the answer of any change made from inside
  // that selector (the pane's forms answer #fb-region): it skips that change's own rca:changed.
  function alreadyFresh(region, trigger) {
    if (!trigger || trigger.type !== "rca:changed") return false;
    var from = trigger.target;
    if (from && from.hasAttribute && from.hasAttribute("data-live-poller")) {
      if (changesInFlight > 0) {
        // The poll overtook the answer to our own change: decide when that answer is in.
        pollOvertook = from;
        return true;
      }
      return polledToken !== null && polledToken === answeredToken;
    }
    var answeredBy = region.getAttribute("data-live-answered-by");
    return !!(answeredBy && from && from.closest && from.closest(answeredBy));
  }

  // Our own changes on their way: a poll answered meanwhile may report exactly that change.
  var changesInFlight = 0;
  var pollOvertook = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var verb = event.detail.requestConfig && event.detail.requestConfig.verb;
    if (verb && verb !== "get") changesInFlight++;
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var verb = event.detail.requestConfig && event.detail.requestConfig.verb;
    if (!verb || verb === "get" || changesInFlight === 0) return;
    changesInFlight--;
    var poller = pollOvertook;
    if (changesInFlight > 0 || !poller) return;
    pollOvertook = null;
    // Someone else's change came with it: reload now, as the poll asked.
    if (polledToken !== answeredToken && document.body.contains(poller)) {
      poller.dispatchEvent(new CustomEvent("rca:changed", { bubbles: true }));
    }
  });

  document.addEventListener("htmx:confirm", function (event) {
    var region = event.target;
    if (!region.hasAttribute || !region.hasAttribute("data-live-region")) return;
    if (alreadyFresh(region, event.detail.triggeringEvent)) {
      event.preventDefault();
      return;
    }
    if (busy(region)) {
      event.preventDefault();
      region.setAttribute("data-live-pending", "");
      return;
    }
    var active = document.activeElement;
    var row = active && region.contains(active) ? active.closest("[data-cause-id]") : null;
    if (row) keepFocusOn(row.getAttribute("data-cause-id"));
  });

  // The focusable things of one row, not of the whys nested in it (the pane's row links).
  function rowControls(row) {
    return Array.prototype.filter.call(
      row.querySelectorAll("a[href], button, [tabindex]"),
      function (el) { return el.closest("[data-cause-id]") === row; }
    );
  }

  // The reload that waited runs as soon as the person leaves the field or finishes editing.
  function flushPending() {
    document.querySelectorAll("[data-live-region][data-live-pending]").forEach(function (region) {
      if (busy(region)) return;
      region.removeAttribute("data-live-pending");
      window.htmx && window.htmx.trigger(region, "rca:refresh");
    });
  }
  document.addEventListener("focusout", function () { window.setTimeout(flushPending, 0); });
  document.addEventListener("rca:idle", flushPending);

  // A form inside a region (a decision, attendance) keeps its field focused after the swap.
  var pendingFieldId = null;
  var pendingFieldFrom = null;
  function isReload(event) {
    var config = event.detail.requestConfig;
    return !config || String(config.verb).toLowerCase() === "get";
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    // A reload that was already on its way when a drag began waits too: swapping the row
    // being dragged out of the page would lose the drop (busy() covers dragging).
    // The same for a reload that left before someone started typing in the region: it waits
    // until they leave it (a form of the region answering its own submit still swaps).
    if (target && target.hasAttribute && target.hasAttribute("data-live-region") &&
        isReload(event) && busy(target)) {
      event.detail.shouldSwap = false;
      target.setAttribute("data-live-pending", "");
      return;
    }
    var active = document.activeElement;
    if (target && target.hasAttribute && target.hasAttribute("data-live-region") &&
        active && active.id && target.contains(active)) {
      pendingFieldId = active.id;
      pendingFieldFrom = active;
    }
    if (!target || !target.hasAttribute || !target.hasAttribute("data-live-region")) return;
    // A link without an id in a row (the pane's "Edit", "3 evidence"): the same one after.
    var row = active && target.contains(active) && !active.id ? active.closest("[data-cause-id]") : null;
    if (row && !lineFor(row.getAttribute("data-cause-id"))) {
      pendingControl = { cause: row.getAttribute("data-cause-id"), index: rowControls(row).indexOf(active) };
    }
    // Choices made but not sent (the "Add a cause" box's bone) survive the reload.
    target.querySelectorAll("select[id]").forEach(function (select) {
      keptChoices.push([select.id, select.value]);
    });
    // So do folds opened or closed (the record's "End the meeting"): a reload that lands
    // between opening one and typing in it would otherwise fold it away under the cursor.
    if (isReload(event)) {
      target.querySelectorAll("details[id]").forEach(function (fold) {
        keptFolds.push([fold.id, fold.open]);
      });
    }
  });
  var pendingControl = null;
  var keptChoices = [];
  var keptFolds = [];

  document.addEventListener("htmx:afterSettle", function () {
    keptChoices.forEach(function (kept) {
      var select = document.getElementById(kept[0]);
      if (select && select.querySelector('option[value="' + CSS.escape(kept[1]) + '"]')) {
        select.value = kept[1];
      }
    });
    keptChoices = [];
    keptFolds.forEach(function (kept) {
      var fold = document.getElementById(kept[0]);
      if (fold && fold.tagName === "DETAILS") fold.open = kept[1];
    });
    keptFolds = [];
    if (pendingControl) {
      var row = document.querySelector('[data-cause-id="' + pendingControl.cause + '"]');
      var control = row && rowControls(row)[pendingControl.index];
      pendingControl = null;
      if (control && !control.contains(document.activeElement)) control.focus({ preventScroll: true });
    }
    if (pendingFieldId) {
      var field = document.getElementById(pendingFieldId);
      if (field && field !== pendingFieldFrom) {
        pendingFieldId = null;
        field.focus({ preventScroll: true });
      }
    }
    if (!pendingFocus) return;
    var line = lineFor(pendingFocus);
    if (line && line === pendingFrom && ++pendingTries < 8) return;  // not redrawn yet
    pendingFocus = null;
    if (line && !line.contains(document.activeElement)) line.focus({ preventScroll: true });
  });

  // Someone else's change: say so (our own changes announce what they did).
  document.body.addEventListener("rca:changed", function (event) {
    var fromPoller = event.target && event.target.hasAttribute &&
      event.target.hasAttribute("data-live-poller");
    if (fromPoller && Date.now() - ownChangeAt > 3000) {
      announce("The fishbone was changed by someone in the meeting.");
    }
  });

  // The undo button (and Ctrl+Z): the answer is a message; the cause it touched keeps focus.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.querySelector || !form.querySelector("[data-undo]")) return;
    var xhr = event.detail.xhr;
    ownChangeAt = Date.now();
    var said = document.getElementById("mt-said");
    announce(said ? said.textContent : "");
    var cause = xhr && xhr.getResponseHeader("X-Cause-Id");
    if (cause) keepFocusOn(cause);
  });

  function editingText(el) {
    if (!el || !el.matches) return false;
    return el.matches("textarea, [contenteditable]") ||
      (el.matches("input") && el.value !== "");
  }

  document.addEventListener("keydown", function (event) {
    var undoKey = (event.ctrlKey || event.metaKey) && !event.shiftKey && !event.altKey &&
      (event.key === "z" || event.key === "Z");
    if (!undoKey || editingText(document.activeElement)) return;
    var button = document.querySelector("[data-undo]");
    if (!button) return;
    event.preventDefault();
    button.click();
  });

  // The fishbone answers a stale save with its whole region; meeting mode shows only the
  // conflict (both versions) over the page, and makes its choices post from here.
  function showConflict(html) {
    var box = document.getElementById("mt-conflict");
    if (!box) return;
    var doc = new DOMParser().parseFromString(html || "", "text/html");
    var conflict = doc.querySelector("#fb-conflict, .fb-conflict") || doc.querySelector("[role=alert]");
    box.innerHTML = "";
    if (conflict) box.appendChild(document.importNode(conflict, true));
    else box.textContent = "Someone else changed this cause first. Reload to see their version.";
    box.querySelectorAll("[hx-post], [hx-get], [hx-target], [hx-swap]").forEach(function (el) {
      ["hx-post", "hx-get", "hx-target", "hx-swap"].forEach(function (a) { el.removeAttribute(a); });
    });
    box.querySelectorAll("a[href]").forEach(function (link) {
      // "Take the saved version": the saved version is what meeting mode shows after a reload.
      link.addEventListener("click", function (event) {
        event.preventDefault();
        hideConflict();
        document.body.dispatchEvent(new CustomEvent("rca:changed", { bubbles: true }));
      });
    });
    box.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var fields = {};
        new FormData(form).forEach(function (v, k) { fields[k] = v; });
        hideConflict();
        post(form.getAttribute("action"), fields).then(function (answer) {
          if (answer.ok) announce("Your version was saved.");
        });
      });
    });
    var close = document.createElement("button");
    close.type = "button";
    close.className = "button button--secondary meeting-conflict__close";
    close.textContent = "Close";
    close.addEventListener("click", hideConflict);
    box.appendChild(close);
    box.hidden = false;
    var heading = box.querySelector("h2, h3, [role=alert]");
    if (heading) {
      if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
    announce("Someone else changed this cause first. Both versions are shown: choose one.");
  }

  function hideConflict() {
    var box = document.getElementById("mt-conflict");
    if (!box) return;
    box.hidden = true;
    box.innerHTML = "";
    var entry = document.querySelector("[data-qe-text]");
    if (entry) entry.focus();
  }

  // POST a form-encoded change the htmx way; 409 shows the conflict, 422 gives its message.
  function post(url, fields) {
    var body = new URLSearchParams();
    Object.keys(fields).forEach(function (k) {
      if (fields[k] !== undefined && fields[k] !== null) body.append(k, fields[k]);
    });
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" }
    }).then(function (response) {
      return response.text().then(function (html) {
        if (response.ok) {
          ownChangeAt = Date.now();
          answeredToken = response.headers.get("X-Live-Token") || answeredToken;
          document.body.dispatchEvent(new CustomEvent("rca:changed", { bubbles: true }));
        } else if (response.status === 409) {
          showConflict(html);
        }
        return { ok: response.ok, status: response.status, html: html, message: message(html) };
      });
    });
  }

  function message(html) {
    var doc = new DOMParser().parseFromString(html || "", "text/html");
    var el = doc.querySelector(".field-error, .error-summary, [role=alert], .error");
    return el ? el.textContent.trim().replace(/\s+/g, " ") : "";
  }

  // "Show large": one picture across the whole row, for the back of the room.
  document.querySelectorAll("[data-show-large]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var row = button.closest("[data-pictures]");
      var which = button.getAttribute("data-show-large");
      var large = row.getAttribute("data-large") === which;
      if (large) row.removeAttribute("data-large");
      else row.setAttribute("data-large", which);
      button.setAttribute("aria-pressed", large ? "false" : "true");
      button.textContent = large ? "Show large" : "Show both";
      announce(large ? "Timeline and fishbone side by side." : "The " + which + " fills the row.");
    });
  });

  window.RCAMeeting = {
    announce: announce,
    say: say,
    post: post,
    showConflict: showConflict,
    focusCause: keepFocusOn,
    idle: function () { document.dispatchEvent(new CustomEvent("rca:idle")); }
  };
})();
