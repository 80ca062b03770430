// A long list of boxes to tick (the 101 departments) made usable on a phone: a search field
// keeps in view the boxes whose label matches (accents and case ignored, « 45 » finds Loiret),
// ticked boxes always stay in view, and a line says what is ticked.
//
// Progressive enhancement of plain checkboxes marked data-checklist="<noun>": without
// JavaScript every box is there. No inline script (strict Content-Security-Policy).
(function () {
  "use strict";

  function fold(text) {
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[’']/g, " ")
      .toLowerCase()
      .trim();
  }

  function setup(fieldset, noun) {
    var elements = Array.prototype.slice.call(fieldset.querySelectorAll(".fr-fieldset__element"));
    if (elements.length < 10) {
      return;
    }
    var id = fieldset.id + "-filtre";
    var search = document.createElement("div");
    search.className = "fr-input-group www-checklist__search";
    var label = document.createElement("label");
    label.className = "fr-label";
    label.htmlFor = id;
    label.textContent = "Rechercher un " + noun;
    var hint = document.createElement("span");
    hint.className = "fr-hint-text";
    hint.textContent = "Nom ou numéro. Les " + noun + "s cochés restent affichés.";
    label.appendChild(hint);
    var input = document.createElement("input");
    input.className = "fr-input";
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    // Not a field of the form: it only filters the list.
    input.setAttribute("form", "www-no-form");
    search.appendChild(label);
    search.appendChild(input);

    var chosen = document.createElement("p");
    chosen.className = "fr-text--sm fr-mb-1w www-checklist__chosen";
    chosen.setAttribute("aria-live", "polite");

    var options = document.createElement("div");
    options.className = "www-checklist__options";
    elements[0].parentNode.insertBefore(search, elements[0]);
    search.parentNode.insertBefore(chosen, search.nextSibling);
    chosen.parentNode.insertBefore(options, chosen.nextSibling);
    elements.forEach(function (element) {
      options.appendChild(element);
    });

    // A picker that cannot change (a filed dossier) only shows what is ticked.
    var frozen = elements.every(function (element) {
      return element.querySelector("input[type=checkbox]").disabled;
    });
    if (frozen) {
      search.hidden = true;
    }

    var items = elements.map(function (element) {
      var box = element.querySelector("input[type=checkbox]");
      var text = element.querySelector("label").textContent;
      return { element: element, box: box, text: text.trim(), folded: fold(text) };
    });

    function update() {
      var wanted = fold(input.value);
      var ticked = [];
      items.forEach(function (item) {
        if (item.box.checked) {
          ticked.push(item.text);
        }
        item.element.hidden = frozen
          ? !item.box.checked
          : !(item.box.checked || !wanted || item.folded.indexOf(wanted) !== -1);
      });
      chosen.textContent = ticked.length
        ? (ticked.length > 1 ? "Cochés : " : "Coché : ") + ticked.join(", ")
        : "Aucun " + noun + " coché.";
    }

    input.addEventListener("input", update);
    input.addEventListener("keydown", function (event) {
      // Enter in the search field would send the whole form.
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
    options.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var seen = [];
    document.querySelectorAll("input[type=checkbox][data-checklist]").forEach(function (box) {
      var fieldset = box.closest("fieldset");
      if (fieldset && seen.indexOf(fieldset) === -1) {
        seen.push(fieldset);
        setup(fieldset, box.getAttribute("data-checklist"));
      }
    });
  });
})();
