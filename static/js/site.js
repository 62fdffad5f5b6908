// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Preset a time zone select to the browser's own zone, unless the person chose one.
  function presetTimeZone(select) {
    if (select.dataset.touched || select.form && select.form.querySelector(".field__error")) {
      return;
    }
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && select.querySelector('option[value="' + zone + '"]') && select.value === "Europe/London") {
      select.value = zone;
    }
  }

  // Move focus to the error summary so screen reader users hear what went wrong.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-detect-time-zone]").forEach(presetTimeZone);
    focusErrorSummary();
  });
})();
