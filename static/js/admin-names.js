/* Names for the admin controls drawn without one (issue 13, item 9).
 *
 * Autocomplete fields: select2 hides the real <select> and draws a combobox, a read-only "textbox" showing the choice and,
 * for many-valued fields, a search box, none of them named: a screen reader hears "combobox" and
 * axe reports them. Each takes the name of the <select> it stands for: its <label>, or the
 * aria-label a tabular inline gives it. select2 draws new controls when a row is added or a field
 * is opened, so the names are given again whenever the page's elements change.
 *
 * Django's own widgets: a date-and-time field labels its two boxes with bare text ("Date:"), and
 * the two-list selector's search icons carry an aria-label that a plain <span> may not have.
 */
"use strict";

(function () {
  function nameOf(select) {
    if (select.getAttribute("aria-label")) {
      return select.getAttribute("aria-label");
    }
    const label = select.id ? document.querySelector(`label[for="${CSS.escape(select.id)}"]`) : null;
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  function nameControls(select) {
    const drawn = select.nextElementSibling;
    const name = nameOf(select);
    if (!name || !drawn || !drawn.classList.contains("select2")) {
      return;
    }
    drawn.querySelectorAll(".select2-selection[role=combobox]").forEach((combobox) => {
      if (combobox.getAttribute("aria-label") === name) {
        return;
      }
      // Named after the field, then read with the current choice ("Requirement, Art. 7").
      combobox.id = combobox.id || `${select.id}-combobox`;
      combobox.setAttribute("aria-label", name);
      const shown = combobox.querySelector(".select2-selection__rendered[id]");
      combobox.setAttribute("aria-labelledby", shown ? `${combobox.id} ${shown.id}` : combobox.id);
    });
    drawn.querySelectorAll(".select2-selection[role=combobox]").forEach((combobox) => {
      // An open combobox names the list it shows; select2 says so only with aria-owns.
      const open = combobox.getAttribute("aria-expanded") === "true" && combobox.getAttribute("aria-owns");
      if (open) {
        combobox.setAttribute("aria-controls", combobox.getAttribute("aria-owns"));
      } else {
        combobox.removeAttribute("aria-controls");
      }
    });
    drawn.querySelectorAll(".select2-selection__rendered[role=textbox]").forEach((shown) => {
      shown.setAttribute("aria-label", name);
    });
    drawn.querySelectorAll("ul.select2-selection__rendered").forEach((choices) => {
      choices.setAttribute("role", "list");  // it also holds the clear button, which a plain <ul> may not
    });
    drawn.querySelectorAll(".select2-search__field").forEach((search) => {
      search.setAttribute("aria-label", `Search ${name}`);
    });
  }

  function nameDateAndTime(input) {
    const row = input.closest(".form-row, .fieldBox");
    const label = row ? row.querySelector("label") : null;
    if (label) {
      const part = input.classList.contains("vTimeField") ? "time" : "date";
      input.setAttribute("aria-label", `${label.textContent.replace(/:\s*$/, "").trim()} (${part})`);
    }
  }

  function nameAll() {
    document.querySelectorAll("select.admin-autocomplete").forEach(nameControls);
    document.querySelectorAll("p.datetime input:not([aria-label])").forEach(nameDateAndTime);
    document.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach((icon) => icon.setAttribute("role", "img"));
    document.querySelectorAll(".select2-container--open .select2-search__field:not([aria-label])").forEach(
      (search) => search.setAttribute("aria-label", "Search"),
    );
  }

  document.addEventListener("DOMContentLoaded", () => {
    nameAll();
    new MutationObserver(nameAll).observe(document.body, { childList: true, subtree: true });
  });
})();
