// The workbook form says the size and page count of the file chosen: it follows the language, paper and edition
// picked. Without this script the line says which file its figures are of (the first choice), so it never misleads.
(function () {
  "use strict";
  var size = document.querySelector(".workbook-choice__size[data-sizes]");
  if (!size) return;
  var form = size.closest("form");
  var sizes = JSON.parse(size.dataset.sizes);
  function chosen(name) {
    var field = form.querySelector("[name=" + name + "]:checked") || form.querySelector("[name=" + name + "]");
    return field ? field.value : "";
  }
  function show() {
    size.textContent = sizes[[chosen("language"), chosen("paper"), chosen("edition")].join(" ")] || "";
  }
  form.addEventListener("change", show);
  show();
})();
