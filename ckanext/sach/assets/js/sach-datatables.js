/* The table preview (ckanext-datatablesview) without inline scripts: its globals come from the page's
   JSON data block, the refit button gets its handler here, and the column filters get labels. */
(function () {
  'use strict';
  var block = document.getElementById('sach-dt-dictionary');
  if (!block) { return; }
  window.gdataDict = JSON.parse(block.textContent);
  window.gresviewId = block.getAttribute('data-resource-view-id');
  var filterLabel = block.getAttribute('data-filter-label');
  var entryLabel = block.getAttribute('data-entry-label');
  var frameTitle = block.getAttribute('data-frame-title');

  function labelFilters() {
    var labels = Array.prototype.map.call(
      document.querySelectorAll('#dtprv thead tr:first-child th[data-sach-label]'),
      function (th) { return th.getAttribute('data-sach-label'); });
    document.querySelectorAll('th.fhead input').forEach(function (input, i) {
      if (!input.hasAttribute('aria-label')) {
        input.setAttribute('aria-label', filterLabel + ' ' + (labels[i] || input.name));
      }
    });
    // DataTables' helpers: KeyTable's entry point into the cells (a 1-pixel text input) and
    // scrollResize's empty frame that only listens for size changes.
    document.querySelectorAll('input[type="text"]:not([aria-label])').forEach(function (input) {
      input.setAttribute('aria-label', entryLabel);
    });
    document.querySelectorAll('iframe:not([title])').forEach(function (frame) {
      frame.setAttribute('title', frameTitle);
      frame.setAttribute('aria-hidden', 'true');
      frame.setAttribute('tabindex', '-1');
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var refit = document.getElementById('refit-button');
    if (refit) {
      refit.addEventListener('click', function () {
        if (typeof window.fitColText === 'function') { window.fitColText(); }
      });
    }
    if (window.jQuery) {
      window.jQuery(document).on('init.dt draw.dt', function () { window.setTimeout(labelFilters, 0); });
    }
  });
}());
