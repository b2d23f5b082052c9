// Keyboard-first cause entry over the fishbone's forms (progressive enhancement: without this
// file the entry line is a plain form). Works on any outline whose rows carry data-cause-id,
// data-version, data-parent-id and data-category, inside an element with data-causes-url.
//   entry line: Enter adds; Tab nests under the cause above, Shift+Tab un-nests;
//               Alt+1..9 bone; Alt+H/S/R status; Up arrow goes to the list.
//   a cause:    Up/Down select; Alt+Up/Down move; Alt+1..9 move to a bone; Alt+H/S/R status
//               (asks why); Alt+Shift+R/C/I/N conclusion (outline-conclusions.js); F2 or
//               Enter edit; Esc back to the entry line; drag onto a bone or another cause.
(function () {
  "use strict";

  var root = document.querySelector("[data-causes-url]");
  var form = document.querySelector("[data-quick-entry]");
  if (!root || !window.RCAMeeting) return;
  var M = window.RCAMeeting;
  var causesUrl = root.getAttribute("data-causes-url");
  var STATUS_KEYS = { h: "hypothesis", s: "supported", r: "ruled-out" };
  var STATUS_WORDS = { hypothesis: "Hypothesis", supported: "Supported", "ruled-out": "Ruled out" };

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-outline] [data-cause-id]"));
  }
  function rowById(id) {
    return document.querySelector('[data-outline] [data-cause-id="' + id + '"]');
  }
  function lineOf(row) { return row && row.querySelector(".outline-row__line"); }
  function textOf(row) { return row ? row.getAttribute("data-text") || "" : ""; }
  function bones() {
    var select = form && form.querySelector("[data-qe-category]");
    if (select) return Array.prototype.map.call(select.options, function (o) {
      return { key: o.value, label: o.textContent.replace(/^\d+\.\s*/, "") };
    });
    return Array.prototype.map.call(document.querySelectorAll("[data-bone]"), function (b) {
      return { key: b.getAttribute("data-bone"), label: b.getAttribute("aria-label") };
    });
  }
  function digit(event) {
    var m = /^Digit([1-9])$/.exec(event.code || "");
    return m ? Number(m[1]) : null;
  }
  function statusKey(event) {
    // Alt+Shift+letter is a conclusion (outline-conclusions.js), not a status.
    var m = !event.shiftKey && /^Key([HSR])$/.exec(event.code || "");
    return m ? STATUS_KEYS[m[1].toLowerCase()] : null;
  }

  // --- the entry line -------------------------------------------------------------------------
  var state = { parent: null, above: null, known: null };

  function entryParts() {
    return {
      text: form.querySelector("[data-qe-text]"),
      parent: form.querySelector("[data-qe-parent]"),
      category: form.querySelector("[data-qe-category]"),
      status: form.querySelector("[data-qe-status]"),
      where: form.querySelector("[data-qe-where]"),
      error: form.querySelector("[data-qe-error]")
    };
  }

  // "The one above": the cause added last from this line, else the last one on this bone.
  function above() {
    var p = entryParts();
    if (state.above && rowById(state.above)) return rowById(state.above);
    var onBone = rows().filter(function (r) {
      return r.getAttribute("data-category") === p.category.value;
    });
    return onBone.length ? onBone[onBone.length - 1] : null;
  }

  function showWhere() {
    var p = entryParts();
    var parent = state.parent && rowById(state.parent);
    var bone = p.category.options[p.category.selectedIndex];
    var boneName = bone ? bone.textContent.replace(/^\d+\.\s*/, "") : "";
    p.parent.value = parent ? state.parent : "";
    p.where.textContent = parent
      ? "Adds a why? under \u201c" + textOf(parent) + "\u201d (Shift+Tab to un-nest)."
      : "Adds on the bone \u201c" + boneName + "\u201d.";
    return p.where.textContent;
  }

  function setBone(index) {
    var p = entryParts();
    if (index < 1 || index > p.category.options.length) return;
    p.category.selectedIndex = index - 1;
    state.parent = null;
    state.above = null;
    M.announce(showWhere());
  }

  function nest() {
    var target = above();
    if (!target || state.parent === target.getAttribute("data-cause-id")) return false;
    state.parent = target.getAttribute("data-cause-id");
    M.announce(showWhere());
    return true;
  }

  function unnest() {
    if (!state.parent) return false;
    var parent = rowById(state.parent);
    var up = parent ? parent.getAttribute("data-parent-id") : "";
    state.above = state.parent;
    state.parent = up || null;
    M.announce(showWhere());
    return true;
  }

  function add() {
    var p = entryParts();
    var text = p.text.value.trim();
    p.error.textContent = "";
    if (!text) {
      p.error.textContent = "Type the cause first.";
      return;
    }
    showWhere();
    state.known = rows().map(function (r) { return r.getAttribute("data-cause-id"); });
    var fields = {
      text: text,
      category: p.category.value,
      parent_id: p.parent.value,
      status: p.status.value
    };
    M.post(causesUrl, fields).then(function (answer) {
      if (!answer.ok) {
        state.known = null;
        p.error.textContent = answer.message || "The cause was not added.";
        return;
      }
      p.text.value = "";
      p.status.value = "hypothesis";
      var where = state.parent ? " under \u201c" + textOf(rowById(state.parent)) + "\u201d" : "";
      M.say("Added \u201c" + text + "\u201d" + where + ".");
      M.announce("Added \u201c" + text + "\u201d" + where + ".");
    });
  }

  // After the outline reloads, the new row is the one we had not seen: it becomes "above".
  document.addEventListener("htmx:afterSettle", function () {
    if (!state.known) return;
    var fresh = rows().filter(function (r) {
      return state.known.indexOf(r.getAttribute("data-cause-id")) < 0;
    });
    if (fresh.length === 1) {
      state.above = fresh[0].getAttribute("data-cause-id");
      state.known = null;
      showWhere();
    }
  });

  if (form) {
    var parts = entryParts();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      add();
    });
    parts.category.addEventListener("change", function () {
      state.parent = null;
      state.above = null;
      showWhere();
    });
    parts.text.addEventListener("keydown", function (event) {
      if (event.key === "Tab" && !event.altKey && !event.ctrlKey) {
        if (event.shiftKey ? unnest() : nest()) event.preventDefault();
        return;
      }
      if (event.key === "Escape" && state.parent) {
        state.parent = null;
        M.announce(showWhere());
        return;
      }
      if (event.key === "ArrowUp" && !event.altKey) {
        var all = rows();
        if (all.length) {
          event.preventDefault();
          lineOf(all[all.length - 1]).focus();
        }
        return;
      }
      if (!event.altKey) return;
      var n = digit(event);
      if (n) {
        event.preventDefault();
        setBone(n);
        return;
      }
      var status = statusKey(event);
      if (status) {
        event.preventDefault();
        parts.status.value = status;
        M.announce("New cause will be " + STATUS_WORDS[status] + ".");
      }
    });
    showWhere();
  }

  // --- a selected cause in the outline ----------------------------------------------------------
  function causeUrl(row, suffix) {
    return causesUrl + "/" + row.getAttribute("data-cause-id") + (suffix || "");
  }

  function move(row, fields, said) {
    M.focusCause(row.getAttribute("data-cause-id"));
    fields.version = row.getAttribute("data-version");
    return M.post(causeUrl(row, "/move"), fields).then(function (answer) {
      if (answer.ok) M.announce(said);
      else if (answer.status !== 409) M.announce(answer.message || "The cause was not moved.");
    });
  }

  function siblings(row) {
    return Array.prototype.filter.call(row.parentElement.children, function (el) {
      return el.hasAttribute("data-cause-id");
    });
  }

  function shift(row, delta) {
    var list = siblings(row);
    var at = list.indexOf(row) + delta;
    if (at < 0 || at >= list.length) {
      M.announce(delta < 0 ? "Already first." : "Already last.");
      return;
    }
    move(row, {
      parent_id: row.getAttribute("data-parent-id"),
      category: row.getAttribute("data-category"),
      position: at
    }, "Moved \u201c" + textOf(row) + "\u201d " + (delta < 0 ? "up." : "down."));
  }

  function toBone(row, bone) {
    move(row, { parent_id: "", category: bone.key },
      "Moved \u201c" + textOf(row) + "\u201d to " + bone.label + ".");
  }

  function update(row, fields) {
    M.focusCause(row.getAttribute("data-cause-id"));
    fields.version = row.getAttribute("data-version");
    return M.post(causeUrl(row), fields);
  }
  M.outline = { update: update, textOf: textOf, lineOf: lineOf };

  function askStatus(row, status) {
    if (row.getAttribute("data-status") === status) {
      M.announce("Already " + STATUS_WORDS[status] + ".");
      return;
    }
    var dialog = document.querySelector("[data-reason-dialog]");
    var text = dialog.querySelector("[data-reason-text]");
    var error = dialog.querySelector("[data-reason-error]");
    dialog.querySelector("[data-reason-title]").textContent =
      "Why is \u201c" + textOf(row) + "\u201d now " + STATUS_WORDS[status].toLowerCase() + "?";
    text.value = "";
    error.textContent = "";
    dialog.onclose = null;
    dialog.addEventListener("close", function onClose() {
      dialog.removeEventListener("close", onClose);
      var line = lineOf(rowById(row.getAttribute("data-cause-id")));
      if (dialog.returnValue !== "save" || !text.value.trim()) {
        if (line) line.focus();
        return;
      }
      update(row, { status: status, reason: text.value.trim() }).then(function (answer) {
        if (answer.ok) M.announce("\u201c" + textOf(row) + "\u201d is now " + STATUS_WORDS[status] + ".");
        else if (answer.status !== 409) M.announce(answer.message || "The status was not changed.");
      });
    });
    dialog.showModal();
    text.focus();
  }

  function edit(row) {
    var line = lineOf(row);
    var span = line.querySelector(".outline-row__text");
    var input = document.createElement("input");
    input.type = "text";
    input.value = textOf(row);
    input.className = "outline-row__edit";
    input.setAttribute("aria-label", "Edit cause");
    row.setAttribute("data-editing", "");
    span.hidden = true;
    line.insertBefore(input, span);
    input.focus();
    input.select();
    function done(save) {
      if (!row.hasAttribute("data-editing")) return;
      row.removeAttribute("data-editing");
      var text = input.value.trim();
      input.remove();
      span.hidden = false;
      line.focus();
      if (save && text && text !== textOf(row)) {
        update(row, { text: text }).then(function (answer) {
          if (answer.ok) M.announce("Saved \u201c" + text + "\u201d.");
          else if (answer.status !== 409) M.announce(answer.message || "The change was not saved.");
          M.idle();
        });
      } else {
        M.idle();
      }
    }
    input.addEventListener("keydown", function (event) {
      event.stopPropagation();
      if (event.key === "Enter") { event.preventDefault(); done(true); }
      if (event.key === "Escape") { event.preventDefault(); done(false); }
    });
    input.addEventListener("blur", function () { done(true); });
  }

  document.addEventListener("keydown", function (event) {
    var line = event.target.closest && event.target.closest(".outline-row__line");
    if (!line || !line.closest("[data-outline]")) return;
    var row = line.closest("[data-cause-id]");
    var all = rows();
    var i = all.indexOf(row);
    if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
      shift(row, event.key === "ArrowUp" ? -1 : 1);
    } else if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      event.preventDefault();
      var next = all[i + (event.key === "ArrowUp" ? -1 : 1)];
      if (next) lineOf(next).focus();
      else if (event.key === "ArrowDown" && form) entryParts().text.focus();
    } else if (event.altKey && digit(event)) {
      event.preventDefault();
      var bone = bones()[digit(event) - 1];
      if (bone) toBone(row, bone);
    } else if (event.altKey && statusKey(event)) {
      event.preventDefault();
      askStatus(row, statusKey(event));
    } else if (event.key === "F2" || (event.key === "Enter" && !event.altKey)) {
      event.preventDefault();
      edit(row);
    } else if (event.key === "Escape" && form) {
      event.preventDefault();
      entryParts().text.focus();
    }
  });

  // --- drag and drop: onto a bone (outline heading or picture) or onto another cause ----------
  var dragged = null;

  function dropTarget(el) {
    if (!el || !el.closest) return null;
    var row = el.closest("[data-outline] [data-cause-id]");
    if (row) return { row: row };
    var bone = el.closest("[data-bone], .fb-bone[data-category]");
    if (bone) return { bone: bone.getAttribute("data-bone") || bone.getAttribute("data-category") };
    return null;
  }

  document.addEventListener("dragstart", function (event) {
    var line = event.target.closest && event.target.closest(".outline-row__line");
    if (!line) return;
    dragged = line.closest("[data-cause-id]");
    // dragend goes to the source node even if a reload took it out of the page meanwhile.
    line.addEventListener("dragend", endDrag, { once: true });
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", textOf(dragged));
    document.body.classList.add("is-dragging");
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var target = dropTarget(event.target);
    if (!target || target.row === dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
  });

  document.addEventListener("drop", function (event) {
    if (!dragged) return;
    var target = dropTarget(event.target);
    var row = dragged;
    if (!target || target.row === row) return;
    event.preventDefault();
    endDrag();
    if (target.row) {
      move(row, { parent_id: target.row.getAttribute("data-cause-id") },
        "Moved \u201c" + textOf(row) + "\u201d under \u201c" + textOf(target.row) + "\u201d.");
    } else {
      var bone = bones().filter(function (b) { return b.key === target.bone; })[0];
      if (bone) toBone(row, bone);
    }
  });

  function endDrag() {
    if (!dragged && !document.body.classList.contains("is-dragging")) return;
    dragged = null;
    document.body.classList.remove("is-dragging");
    M.idle();
  }
  document.addEventListener("dragend", endDrag);
})();
