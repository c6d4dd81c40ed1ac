(function () {
  "use strict";
  // Picking a conflict or claim lights up its sentences in every article, opens the articles that carry
  // them, and puts the pick in the address (#conflict-2, #claim-c-7) so the link opens with it picked.
  var narrow = window.matchMedia("(max-width: 900px)");

  function clear() {
    document.querySelectorAll("mark.is-lit").forEach(function (m) { m.classList.remove("is-lit"); });
    document.querySelectorAll("[aria-pressed=true]").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    document.querySelectorAll(".column.has-lit").forEach(function (c) { c.classList.remove("has-lit"); });
    document.querySelectorAll("details[data-auto-open]").forEach(function (d) {
      d.open = false;
      d.removeAttribute("data-auto-open");
    });
  }

  function light(ids) {
    var lit = [];
    ids.forEach(function (id) {
      var mark = document.getElementById(id);
      if (!mark) { return; }
      mark.classList.add("is-lit");
      var details = mark.closest("details");
      if (details && !details.open) {
        details.open = true;
        details.setAttribute("data-auto-open", "");
      }
      var column = mark.closest(".column");
      if (column) { column.classList.add("has-lit"); }
      lit.push(mark);
    });
    // In page order, so the first is the one nearest the top.
    lit.sort(function (a, b) { return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1; });
    lit.forEach(function (mark) {
      // Scroll inside each article's text box (the mark's offsetParent), so every article shows its sentence.
      var box = mark.closest(".column-text");
      if (box) { box.scrollTop = Math.max(0, mark.offsetTop - box.clientHeight / 3); }
    });
    return lit;
  }

  function setAddress(key) {
    var base = window.location.pathname + window.location.search;
    window.history.replaceState(null, "", key ? base + "#" + encodeURIComponent(key) : base);
  }

  function pick(picker, fromAddress) {
    var ids = (picker.getAttribute("data-marks") || "").split(" ").filter(Boolean);
    if (!ids.length) { return false; }
    var key = picker.getAttribute("data-key");
    var wasOn = picker.getAttribute("aria-pressed") === "true";
    clear();
    if (wasOn && !fromAddress) {
      if (key) { setAddress(null); }
      return true;
    }
    if (key) {
      document.querySelectorAll("[data-key]").forEach(function (b) {
        if (b.getAttribute("data-key") === key) { b.setAttribute("aria-pressed", "true"); }
      });
      if (!fromAddress) { setAddress(key); }
    }
    var lit = light(ids);
    if (!lit.length) { return true; }
    // Show the first sentence: on a phone it is far below the picker; on a wide screen the picker stays put.
    var inPicker = picker.closest(".picker") !== null;
    if (narrow.matches || !inPicker || fromAddress) {
      lit[0].scrollIntoView({ block: "center" });
    } else {
      lit[0].scrollIntoView({ block: "nearest" });
    }
    return true;
  }

  document.addEventListener("click", function (event) {
    var printer = event.target.closest("[data-print]");
    if (printer) { window.print(); return; }
    var expand = event.target.closest("[data-expand]");
    if (expand) {
      var open = expand.getAttribute("data-expand") === "open";
      document.querySelectorAll("details.column").forEach(function (d) { d.open = open; });
      return;
    }
    var picker = event.target.closest("[data-marks]");
    if (!picker) { return; }
    if (pick(picker, false)) { event.preventDefault(); }
  });

  // Keyboard users reach the timeline's points through the list under it; the picture is for the mouse.
  function pickFromAddress() {
    var key = decodeURIComponent(window.location.hash.slice(1));
    if (!key) { return; }
    var candidates = document.querySelectorAll("[data-key][data-marks]");
    for (var i = 0; i < candidates.length; i++) {
      if (candidates[i].getAttribute("data-key") === key && candidates[i].closest(".picker")) {
        pick(candidates[i], true);
        return;
      }
    }
  }
  window.addEventListener("hashchange", pickFromAddress);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", pickFromAddress);
  } else {
    pickFromAddress();
  }

  // Printing shows every article, event and name in full.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) {
      if (!d.open) { d.open = true; d.setAttribute("data-print-open", ""); }
    });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-print-open]").forEach(function (d) {
      d.open = false;
      d.removeAttribute("data-print-open");
    });
  });
}());
