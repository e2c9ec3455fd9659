/* tashilat: small progressive enhancements. Every page works without this file.
   1. After a form is sent, focus and scroll to the answer or the error summary
      (the element marked data-announce) and announce it in the aria-live region.
   2. Amount fields (data-amount) show thousands separators as the user types, in the
      page's digit style (Persian digits with ٬, Latin digits with ,). */
(function () {
  "use strict";
  var FA = "۰۱۲۳۴۵۶۷۸۹", AR = "٠١٢٣٤٥٦٧٨٩";

  function latin(s) {
    return s.replace(/[۰-۹]/g, function (d) { return String(FA.indexOf(d)); })
            .replace(/[٠-٩]/g, function (d) { return String(AR.indexOf(d)); });
  }
  function persian(s) {
    return s.replace(/[0-9]/g, function (d) { return FA[+d]; });
  }

  function announce() {
    var target = document.querySelector("[data-announce]");
    var live = document.getElementById("announce");
    if (!target) { return; }
    if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "start" });
    if (live) {
      var text = target.getAttribute("data-announce") || "";
      var heading = target.querySelector("h2");
      live.textContent = text || (heading ? heading.textContent.trim() : "");
    }
  }

  function formatAmount(input) {
    var persianStyle = document.documentElement.getAttribute("data-digits") === "fa";
    var raw = input.value;
    var digits = latin(raw).replace(/[,\u066C\u060C_\s']/g, "");
    if (!/^\d+$/.test(digits)) { return; }          // leave anything else for the server to explain
    var grouped = digits.replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    if (persianStyle) { grouped = persian(grouped).replace(/,/g, "\u066C"); }
    if (grouped === raw) { return; }
    // keep the caret after the same number of digits counted from the end
    var end = input.selectionEnd === null ? raw.length : input.selectionEnd;
    var after = latin(raw.slice(end)).replace(/\D/g, "").length;
    input.value = grouped;
    var pos = grouped.length, seen = 0;
    while (pos > 0 && seen < after) {
      pos -= 1;
      if (/\d|[۰-۹]/.test(grouped[pos])) { seen += 1; }
    }
    try { input.setSelectionRange(pos, pos); } catch (e) { /* not a text input */ }
  }

  function init() {
    var amounts = document.querySelectorAll("input[data-amount]");
    Array.prototype.forEach.call(amounts, function (input) {
      input.addEventListener("input", function () { formatAmount(input); });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
    announce();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
