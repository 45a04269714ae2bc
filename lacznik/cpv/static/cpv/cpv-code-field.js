// The CPV code field (lacznik/cpv/forms.py): htmx fills the suggestion list below the input; this file
// only makes a suggestion pickable. A click (or Enter) on a suggestion puts its code into the input,
// closes the list, says what was chosen and returns the focus to the input; Escape closes the list;
// Arrow Down in the input moves to the first suggestion. Without it the code is typed by hand.
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
    close(field);
    field.input.focus();
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
