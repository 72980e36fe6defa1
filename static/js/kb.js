/* Date fields of the filter forms send a whole date, once, never a keystroke's worth.
 *
 * Chromium fires "change" on an <input type="date"> as soon as its segments make any valid
 * date, so typing 01012027 would first send 0002-01-01 and re-render the form under the
 * typist. While the field has focus its change events stop here (capture phase, before the
 * form's htmx listener); leaving the field sends the date once, if it changed and its year
 * is complete. Enter submits the form as usual.
 */
(function () {
  "use strict";

  function isDate(element) {
    return element instanceof HTMLInputElement && element.type === "date";
  }

  function complete(value) {
    return value === "" || /^[1-9]\d{3}-\d{2}-\d{2}$/.test(value);
  }

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (isDate(field) && field === document.activeElement && !field.kbSending) {
      event.stopPropagation();
    }
  }, true);

  document.addEventListener("focusin", function (event) {
    if (isDate(event.target)) {
      event.target.kbSent = event.target.value;
    }
  }, true);

  document.addEventListener("focusout", function (event) {
    var field = event.target;
    if (!isDate(field) || field.value === field.kbSent || !complete(field.value)) {
      return;
    }
    field.kbSent = field.value;
    field.kbSending = true;
    field.dispatchEvent(new Event("change", { bubbles: true }));
    field.kbSending = false;
  }, true);

  /* Phones: what the answer is asked with (the rule list's filters, the checklist builder)
   * folds behind a button, so the answer comes first; a button marked .kb-fold-toggle names
   * its panel in data-bs-target. Without script the panels simply stay open; across an htmx
   * swap they stay as they were. */
  var openPanels = {};

  function eachFold(act) {
    document.querySelectorAll(".kb-fold-toggle").forEach(function (toggle) {
      var panel = document.querySelector(toggle.getAttribute("data-bs-target"));
      if (panel) {
        act(toggle, panel);
      }
    });
  }

  function fold() {
    eachFold(function (toggle, panel) {
      var open = Boolean(openPanels[panel.id]);
      panel.classList.add("collapse");
      panel.classList.toggle("show", open);
      toggle.classList.remove("d-none");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  document.addEventListener("DOMContentLoaded", fold);
  document.addEventListener("htmx:beforeSwap", function () {
    eachFold(function (toggle, panel) {
      openPanels[panel.id] = panel.classList.contains("show");
    });
  });
  document.addEventListener("htmx:afterSwap", fold);

  /* Printing shows what is folded (a checklist's rules): print.css does it where the browser
   * knows ::details-content; elsewhere the folded ones open for the print and fold back after. */
  var openedForPrint = [];

  window.addEventListener("beforeprint", function () {
    openedForPrint = Array.prototype.slice.call(document.querySelectorAll("main details:not([open])"));
    openedForPrint.forEach(function (details) { details.open = true; });
  });

  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (details) { details.open = false; });
    openedForPrint = [];
  });
})();
