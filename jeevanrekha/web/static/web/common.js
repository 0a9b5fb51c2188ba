/* Every desk page: deadlines counting down, and the "?" key for the shortcuts list.
   Words come from data attributes on <body> (translated by the server). */
(function () {
  "use strict";
  var body = document.body;
  var offset = 0; // server clock minus this browser's clock, in ms

  function syncClock(root) {
    var stamp = (root || document).querySelector(".updated time[datetime], [data-server-now]");
    if (!stamp) return;
    var at = Date.parse(stamp.getAttribute("datetime") || stamp.getAttribute("data-server-now"));
    if (!isNaN(at)) offset = at - Date.now();
  }

  function clock(seconds) {
    var s = Math.floor(seconds % 60), m = Math.floor(seconds / 60) % 60, h = Math.floor(seconds / 3600);
    var mm = (h ? String(m).padStart(2, "0") : String(m)), ss = String(s).padStart(2, "0");
    return (h ? h + ":" : "") + mm + ":" + ss;
  }

  function tick() {
    var now = Date.now() + offset;
    document.querySelectorAll("time.countdown[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) return;
      var late = now > due;
      var text = (late ? body.dataset.overdue : body.dataset.due).replace("{t}", clock(Math.abs(due - now) / 1000));
      if (el.textContent !== text) el.textContent = text;
      el.classList.toggle("overdue", late);
    });
  }

  syncClock(document);
  tick();
  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSwap", function (event) { syncClock(event.target); tick(); });

  window.jrTyping = function (event) {
    var t = event.target;
    return event.ctrlKey || event.metaKey || event.altKey ||
      (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)));
  };

  document.addEventListener("keydown", function (event) {
    if (event.key !== "?" || window.jrTyping(event)) return;
    var help = document.getElementById("shortcuts");
    if (help) { help.open = !help.open; help.querySelector("summary").focus(); }
  });
})();
