/* Progress of a bulk load: polls the job's JSON every 1.5 s, updates the bar and the counts,
   and reloads the page (which then shows the report) when the job ends. Served by
   ckanext/sach/bulk/views.py from the site itself (the pages' CSP allows only such scripts). */
(function () {
  "use strict";
  var box = document.getElementById("bulk-job");
  if (!box || !window.fetch) { return; }
  var bar = document.getElementById("bulk-progress");
  var label = document.getElementById("bulk-progress-label");
  var status = document.getElementById("bulk-status");
  var template = box.getAttribute("data-label");
  function show(d) {
    bar.max = d.total || 1;
    bar.value = d.done || 0;
    bar.textContent = (d.done || 0) + " / " + (d.total || 0);
    label.textContent = template.replace("{done}", d.done || 0).replace("{total}", d.total || 0)
      .replace("{errors}", d.errors || 0);
    if (d.status === "running") { status.textContent = box.getAttribute("data-running"); }
  }
  function tick() {
    fetch(box.getAttribute("data-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (d) {
        show(d);
        if (d.status === "done" || d.status === "failed") { window.location.reload(); }
        else { window.setTimeout(tick, 1500); }
      })
      .catch(function () { window.setTimeout(tick, 5000); });
  }
  window.setTimeout(tick, 1500);
}());
