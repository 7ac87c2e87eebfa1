// The audit trail page (Pages/Console/Audit/Index): verifying the whole trail takes a moment, so the records are shown at once
// and the verification is fetched here (?handler=Verification, same origin, the page session: an HTML fragment rendered by the
// server in the page's language) and put at the top; the record that breaks the chain, when on this page, is marked.
// Without this script the page's "立即验证" link loads the page with the verification in it.
(function () {
  'use strict';
  var box = document.getElementById('audit-verification');
  if (!box) return;
  var url = box.getAttribute('data-verify-url');
  box.setAttribute('aria-busy', 'true');
  fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'text/html' } })
    .then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.text();
    })
    .then(function (html) {
      var fragment = new DOMParser().parseFromString(html, 'text/html').body;
      box.replaceChildren.apply(box, Array.prototype.slice.call(fragment.childNodes));
      box.removeAttribute('aria-busy');
      var verdict = box.querySelector('[data-first-broken]');
      var broken = verdict && verdict.getAttribute('data-first-broken');
      if (!broken) return;
      var row = document.querySelector('tr[data-sequence="' + broken + '"]');
      if (!row) return;
      row.classList.add('audit-broken-row');
      var badge = document.createElement('span');
      badge.className = 'badge off';
      badge.textContent = verdict.getAttribute('data-break-label');
      row.cells[0].appendChild(badge);
    })
    .catch(function () {
      box.removeAttribute('aria-busy'); // the "立即验证" link stays for the person to try
    });
})();
