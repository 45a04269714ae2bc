// The CPV code field (lacznik/cpv/forms.py): htmx fills the suggestion list below the input; this file
// only makes a suggestion pickable. A click (or Enter) on a suggestion puts its code into the input,
// closes the list, shows and says what was chosen and returns the focus to the input; Escape, a click
// elsewhere or the focus leaving the field closes the list; Arrow Down in the input moves to the first
// suggestion. Without it the code is typed by hand (the server names the code after saving).
(function () {
  "use strict";
  if (window.lacznikCpvCodeField) {
    return;
  }
  window.lacznikCpvCodeField = true;

  function parts(element) {
    var field = element.closest("[data-cpv-field]");
    if (!field) {
      return null;
    }
    return {
      input: field.querySelector("[data-cpv-input]"),
      list: field.querySelector("[data-cpv-suggestions]"),
      status: field.querySelector("[data-cpv-status]"),
      name: field.querySelector("[data-cpv-chosen-name]"),
      element: field,
    };
  }

  function close(field) {
    field.list.replaceChildren();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-cpv-pick]");
    if (!button) {
      return;
    }
    var field = parts(button);
    if (!field) {
      return;
    }
    field.input.value = button.dataset.cpvPick;
    field.status.textContent = button.dataset.cpvChosen || "";
    if (field.name) {
      field.name.textContent = button.dataset.cpvName || "";
    }
    close(field);
    field.input.focus();
  });

  // The list closes when the focus or a click goes outside its field (it would hide the next fields).
  function closeOthers(event) {
    var inside = event.target instanceof Element ? event.target.closest("[data-cpv-field]") : null;
    document.querySelectorAll("[data-cpv-field]").forEach(function (element) {
      var list = element.querySelector("[data-cpv-suggestions]");
      if (element !== inside && list && list.children.length) {
        list.replaceChildren();
      }
    });
  }
  document.addEventListener("focusin", closeOthers);
  document.addEventListener("mousedown", closeOthers);

  // A code typed by hand no longer matches the name shown under the field.
  document.addEventListener("input", function (event) {
    var field = event.target instanceof Element && event.target.matches("[data-cpv-input]") ? parts(event.target) : null;
    if (field && field.name) {
      field.name.textContent = "";
    }
  });

  document.addEventListener("keydown", function (event) {
    if (!(event.target instanceof Element)) {
      return;
    }
    var field = parts(event.target);
    if (!field) {
      return;
    }
    if (event.key === "Escape" && field.list.children.length) {
      close(field);
      field.input.focus();
      event.preventDefault();
    } else if (event.key === "ArrowDown" && event.target === field.input) {
      var first = field.list.querySelector("[data-cpv-pick]");
      if (first) {
        first.focus();
        event.preventDefault();
      }
    } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && event.target.matches("[data-cpv-pick]")) {
      var buttons = Array.prototype.slice.call(field.list.querySelectorAll("[data-cpv-pick]"));
      var next = buttons.indexOf(event.target) + (event.key === "ArrowDown" ? 1 : -1);
      (next < 0 ? field.input : buttons[Math.min(next, buttons.length - 1)]).focus();
      event.preventDefault();
    }
  });
})();
