// The panel's conclusion on the selected cause in meeting mode, from the keyboard: Alt+Shift+R
// root cause, Alt+Shift+C contributory factor, Alt+Shift+I incidental, Alt+Shift+N none. The
// server's guidance gate decides; when it refuses ("reads as staff error..."), its words are
// shown to the room and read out, and the cause keeps its conclusion. Loaded after outline-keys.js, which shares its save (M.outline).
(function () {
  "use strict";
  var M = window.RCAMeeting;
  if (!M || !M.outline || M.outline.conclusions) return;
  var KEYS = { KeyR: "root", KeyC: "contributory", KeyI: "incidental", KeyN: "" };
  var WORDS = { root: "a root cause", contributory: "a contributory factor",
    incidental: "incidental", "": "without a conclusion" };
  M.outline.conclusions = KEYS;

  function conclude(row, conclusion) {
    var text = M.outline.textOf(row);
    if ((row.getAttribute("data-conclusion") || "") === conclusion) {
      M.announce("\u201c" + text + "\u201d is already " + WORDS[conclusion] + ".");
      return;
    }
    M.outline.update(row, { conclusion: conclusion }).then(function (answer) {
      var said;
      if (answer.ok) said = "\u201c" + text + "\u201d is now " + WORDS[conclusion] + ".";
      else if (answer.status === 409) return;
      else said = answer.message || "The conclusion was not changed.";
      M.say(said, !answer.ok);
      M.announce(said);
    });
  }

  document.addEventListener("keydown", function (event) {
    if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return;
    if (!Object.prototype.hasOwnProperty.call(KEYS, event.code || "")) return;
    var line = event.target.closest && event.target.closest(".outline-row__line");
    if (!line || !line.closest("[data-outline]")) return;
    event.preventDefault();
    conclude(line.closest("[data-cause-id]"), KEYS[event.code]);
  });
})();
