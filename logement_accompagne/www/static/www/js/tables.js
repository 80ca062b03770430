// Every table of the site readable at 375 px: on a narrow screen each row becomes a card where
// every value is preceded by its column's name (CSS in www.css, « .www-stack »). This script only
// copies each column header into its cells' data-label; without it tables scroll sideways as in
// the DSFR. Tables marked data-no-stack keep their layout. No inline script (strict CSP).
(function () {
  "use strict";

  function headers(table) {
    var row = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!row) {
      return null;
    }
    var names = [];
    Array.prototype.forEach.call(row.cells, function (cell) {
      var span = cell.colSpan || 1;
      for (var i = 0; i < span; i += 1) {
        names.push(cell.textContent.replace(/\s+/g, " ").trim());
      }
    });
    return names;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".fr-table table").forEach(function (table) {
      if (table.hasAttribute("data-no-stack")) {
        return;
      }
      var names = headers(table);
      if (!names) {
        return;
      }
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            if (!cell.hasAttribute("data-label") && cell.colSpan === 1 && names[column]) {
              cell.setAttribute("data-label", names[column]);
            }
            column += cell.colSpan || 1;
          });
        });
      });
      var wrapper = table.closest(".fr-table");
      if (wrapper) {
        wrapper.classList.add("www-stack");
      }
    });
  });
})();
