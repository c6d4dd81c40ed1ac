(function () {
  "use strict";
  // Picking a conflict or claim lights up its sentences in every article column and scrolls each into view.
  function clear() {
    document.querySelectorAll("mark.is-lit").forEach(function (m) { m.classList.remove("is-lit"); });
    document.querySelectorAll("[aria-pressed=true]").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    document.querySelectorAll(".column.has-lit").forEach(function (c) { c.classList.remove("has-lit"); });
  }
  function light(ids) {
    var first = null;
    ids.forEach(function (id) {
      var mark = document.getElementById(id);
      if (!mark) { return; }
      mark.classList.add("is-lit");
      var column = mark.closest(".column");
      if (column) { column.classList.add("has-lit"); }
      var box = mark.closest(".column-text");
      if (box) {
        // Scroll inside the column only (it is the mark's offsetParent), so every column shows its sentence at once.
        box.scrollTop = Math.max(0, mark.offsetTop - box.clientHeight / 3);
      } else if (!first) {
        first = mark;
      }
    });
    if (first) { first.scrollIntoView({ block: "center" }); }
  }
  document.addEventListener("click", function (event) {
    var picker = event.target.closest("[data-marks]");
    if (!picker) { return; }
    var ids = (picker.getAttribute("data-marks") || "").split(" ").filter(Boolean);
    if (!ids.length) { return; }
    event.preventDefault();
    var wasOn = picker.getAttribute("aria-pressed") === "true";
    clear();
    if (wasOn) { return; }
    if (picker.tagName === "BUTTON") { picker.setAttribute("aria-pressed", "true"); }
    light(ids);
    var desk = document.querySelector(".columns");
    if (desk && picker.closest(".picker") === null) { desk.scrollIntoView({ block: "start" }); }
  });
}());
