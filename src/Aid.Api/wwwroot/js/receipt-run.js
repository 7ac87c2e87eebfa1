// The receipt run page (Pages/Console/Receipts/Runs/Details) and an import's page while it commits (Pages/Console/Imports/
// Details): moves the progress bar while the job works. The server holds the state, so this only asks it (?handler=Progress,
// same origin, the page session) once a second; when the job is done the page is loaded again to show the result. Without
// this script the page's "刷新" link does the same by hand.
(function () {
  'use strict';
  var bar = document.getElementById('run-progress');
  if (!bar || bar.getAttribute('data-finished') === 'true') return;
  var url = bar.getAttribute('data-progress-url');
  var text = document.getElementById('run-progress-text');
  var status = document.getElementById('run-status');
  var done = document.getElementById('run-done');
  var errors = document.getElementById('run-errors');
  var failures = 0;

  function show(p) {
    bar.max = p.max;
    bar.value = p.value;
    bar.textContent = p.text;
    if (text) text.textContent = p.text;
    if (status) status.textContent = p.statusText;
    if (done) done.textContent = String(p.done);
    if (errors) errors.textContent = String(p.errors);
  }

  function tick() {
    fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (p) {
        failures = 0;
        show(p);
        if (p.finished) window.location.reload();
        else window.setTimeout(tick, 1000);
      })
      .catch(function () {
        failures += 1; // the server restarting, the network gone: ask again, less often
        window.setTimeout(tick, Math.min(1000 * (failures + 1), 10000));
      });
  }

  window.setTimeout(tick, 1000);
})();
