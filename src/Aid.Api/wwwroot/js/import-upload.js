// The import upload form (Pages/Console/Imports/_UploadForm): a file larger than the server takes is refused here, beside the
// file field, before it is sent; the server refuses it anyway (413), this only saves the wait and says why in the page's words.
(function () {
  'use strict';
  var form = document.getElementById('import-upload');
  if (!form) return;
  var input = document.getElementById('file');
  var error = document.getElementById('file-error');
  var max = Number(form.getAttribute('data-max-bytes'));
  var english = document.documentElement.lang === 'en';

  form.addEventListener('submit', function (event) {
    var file = input && input.files && input.files[0];
    if (!file || !max || file.size <= max) return;
    event.preventDefault();
    var size = form.getAttribute('data-max-size'); // as the page says it ("20 MB"), the same words as the server's refusal
    error.textContent = english
      ? 'The file is larger than ' + size + ': split it into smaller files (e.g. one month each) and upload them one by one.'
      : '文件超过 ' + size + '：请拆分为较小的文件（例如每月一个）后逐个上传。';
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  });
})();
