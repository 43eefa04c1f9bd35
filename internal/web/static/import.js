// Progress of an import (templates/import-job.html). The page works without this script: its
// link reloads it. With the script the bar moves by itself, and the page reloads to show the
// report when the import is done. The status text is a live region; it is rewritten only when
// the phase changes or another tenth is done, so a screen reader is not flooded.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-status]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-import-status");
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("import-progress-text");
  var refresh = box.querySelector(".import-refresh");
  if (refresh) {
    refresh.hidden = true;
  }
  var shown = "";
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        if (!r.ok) {
          throw new Error(r.status);
        }
        return r.json();
      })
      .then(function (s) {
        if (s.done) {
          window.location.reload();
          return;
        }
        bar.value = s.percent;
        bar.textContent = s.percent + " %";
        var key = s.state + Math.floor(s.percent / 10);
        if (key !== shown) {
          shown = key;
          text.textContent = s.text;
        }
        window.setTimeout(poll, 700);
      })
      .catch(function () {
        if (refresh) {
          refresh.hidden = false;
        }
        window.setTimeout(poll, 3000);
      });
  }
  window.setTimeout(poll, 400);
})();
