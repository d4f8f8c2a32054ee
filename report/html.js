(function () {
  "use strict";
  var filter = document.getElementById("filter");
  var status = document.getElementById("status");
  var shown = document.getElementById("shown");
  var none = document.getElementById("none");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#rows > tr"));
  function apply(remember) {
    var q = filter.value.trim().toLowerCase();
    var s = status.value;
    var n = 0;
    rows.forEach(function (row) {
      var ok = (!q || row.dataset.name.indexOf(q) >= 0) && (!s || row.dataset.status === s);
      row.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = n + " of " + rows.length + " shown";
    none.hidden = n > 0;
    if (remember) {
      var p = new URLSearchParams();
      if (q) p.set("q", q);
      if (s) p.set("status", s);
      history.replaceState(null, "", p.toString() ? "#" + p.toString() : location.pathname);
    }
  }
  // A link can carry a filter: report.html#q=ali&status=fail
  var params = new URLSearchParams(location.hash.slice(1));
  filter.value = params.get("q") || "";
  status.value = params.get("status") || "";
  filter.addEventListener("input", function () { apply(true); });
  status.addEventListener("change", function () { apply(true); });
  apply(false);
  document.documentElement.setAttribute("data-ready", "true");
})();
