/* The live queue: keyboard shortcuts, filters, and announcing new imminent cases
   (sound and a browser notification, only after the officer turns them on). */
(function () {
  "use strict";
  var me = document.currentScript;
  var queue = document.getElementById("queue");
  var button = document.getElementById("announce");
  var live = document.getElementById("announcer");
  var filters = document.getElementById("filters");
  var KEY = "jr-announce";
  var audio = null;
  var seen = new Set(imminentIds());
  var chosen = null; // case id the keyboard is on

  function rows() { return Array.prototype.slice.call(queue.querySelectorAll("tbody tr[data-case]")); }
  function imminentIds() {
    return Array.prototype.map.call(document.querySelectorAll("#queue tr[data-imminent]"),
      function (tr) { return tr.getAttribute("data-case"); });
  }
  function enabled() { return localStorage.getItem(KEY) === "1"; }

  function showButton() {
    var on = enabled();
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? button.dataset.on : button.dataset.off;
  }

  function ensureAudio() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    if (!audio) audio = new Ctx();
    if (audio.state === "suspended") audio.resume();
    return audio;
  }

  function beep() {
    var ctx = ensureAudio();
    if (!ctx) return;
    [0, 0.35].forEach(function (start, i) {
      var osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = i ? 660 : 880;
      gain.gain.setValueAtTime(0.25, ctx.currentTime + start);
      gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + start + 0.3);
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + start);
      osc.stop(ctx.currentTime + start + 0.32);
    });
  }

  function announce(tr) {
    var ref = tr.getAttribute("data-ref"), href = tr.getAttribute("data-href");
    var where = (tr.querySelector("td:nth-child(5)") || {}).textContent || "";
    var title = me.dataset.titleNew + ": " + ref;
    live.textContent = title;
    document.title = "● " + document.title.replace(/^● /, "");
    if (!enabled()) return;
    beep();
    if ("Notification" in window && Notification.permission === "granted") {
      var note = new Notification(title, { body: where.replace(/\s+/g, " ").trim(), tag: ref });
      note.onclick = function () { window.focus(); window.location.href = href; };
    }
  }

  function checkNew() {
    rows().forEach(function (tr) {
      var id = tr.getAttribute("data-case");
      if (tr.hasAttribute("data-imminent") && !seen.has(id)) { seen.add(id); announce(tr); }
    });
  }

  function choose(index) {
    var all = rows();
    if (!all.length) return;
    index = Math.max(0, Math.min(all.length - 1, index));
    chosen = all[index].getAttribute("data-case");
    all.forEach(function (tr, i) { tr.classList.toggle("chosen", i === index); });
    all[index].querySelector("a.case-link").focus();
  }

  function chosenIndex() {
    return rows().findIndex(function (tr) { return tr.getAttribute("data-case") === chosen; });
  }

  button.addEventListener("click", function () {
    if (enabled()) { localStorage.removeItem(KEY); showButton(); return; }
    localStorage.setItem(KEY, "1");
    ensureAudio();
    if ("Notification" in window && Notification.permission === "default") {
      Notification.requestPermission().then(showButton);
    }
    showButton();
  });

  document.addEventListener("pointerdown", function () { if (enabled()) ensureAudio(); }, { once: true });
  queue.addEventListener("htmx:afterSwap", function () {
    checkNew();
    var i = chosenIndex();
    if (i >= 0) rows()[i].classList.add("chosen");
  });

  filters.addEventListener("change", function (event) {
    if (event.target.name === "state") {  // that state's districts come with the page
      filters.elements.district.value = "";
      filters.submit();
      return;
    }
    var query = new URLSearchParams(new FormData(filters)).toString();
    history.replaceState(null, "", query.replace(/(^|&)[a-z]+=(?=&|$)/g, "") ? "?" + query : location.pathname);
  });

  document.addEventListener("keydown", function (event) {
    if (window.jrTyping(event)) return;
    var i = chosenIndex();
    var actions = {
      j: function () { choose(i + 1); },
      k: function () { choose(i < 0 ? 0 : i - 1); },
      o: function () { if (i >= 0) location.href = rows()[i].getAttribute("data-href"); },
      "1": function () { var r = rows(); if (r.length) location.href = r[0].getAttribute("data-href"); },
      f: function () { filters.elements.state.focus(); },
      r: function () { htmx.trigger(queue, "refresh"); },
      n: function () { location.href = me.dataset.phoneIn; },
      a: function () { button.click(); }
    };
    if (actions[event.key]) { event.preventDefault(); actions[event.key](); }
  });

  showButton();
})();
