(function () {
  "use strict";
  // Links to a sentence open its article and highlight it; without this script :target does the same.
  function reveal(id, scroll) {
    var target = document.getElementById(id);
    if (!target) { return; }
    var details = target.closest("details");
    if (details) { details.open = true; }
    if (target.tagName === "MARK") {
      document.querySelectorAll("mark.is-active").forEach(function (m) { m.classList.remove("is-active"); });
      target.classList.add("is-active");
    }
    if (scroll) { target.scrollIntoView({ block: "center" }); }
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a");
    if (!link) { return; }
    var href = link.getAttribute("href") || "";
    if (href.charAt(0) === "#" && href.length > 1) { reveal(decodeURIComponent(href.slice(1)), false); }
  });
  if (location.hash.length > 1) { reveal(decodeURIComponent(location.hash.slice(1)), true); }
  // Printing shows every article in full.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
}());
