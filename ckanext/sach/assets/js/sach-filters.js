/* "Filtrar resultados" / close on the search page are <a> without href:
   make them buttons a keyboard reaches (Tab) and presses (Enter, Space). */
(function () {
  function buttonize(node) {
    if (node.dataset.sachButton) { return; }
    node.dataset.sachButton = "1";
    node.setAttribute("role", "button");
    node.setAttribute("tabindex", "0");
    node.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        node.click();
      }
    });
  }
  function init(root) {
    root.querySelectorAll(".show-filters, .hide-filters").forEach(buttonize);
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
  document.querySelectorAll && init(document);
})();
