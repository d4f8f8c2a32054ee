(function () {
  "use strict";
  var filter = document.getElementById("filter");
  var status = document.getElementById("status");
  var shown = document.getElementById("shown");
  var none = document.getElementById("none");
  var tbody = document.getElementById("rows");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#rows > tr"));
  var headers = Array.prototype.slice.call(document.querySelectorAll("table.students thead th"));
  var sort = { key: "name", dir: "asc" };
  rows.forEach(function (row, i) { row.dataset.order = i; });
  function column(key) {
    for (var i = 0; i < headers.length; i++) {
      var b = headers[i].querySelector("button.sort");
      if (b && b.dataset.key === key) return i;
    }
    return -1;
  }
  // Sorts the rows by a column: numbers as numbers, names as text, ties
  // kept in name order; an unknown column leaves the order as it is.
  function order(key, dir) {
    var col = column(key);
    if (col < 0) return;
    sort = { key: key, dir: dir === "desc" ? "desc" : "asc" };
    var sign = sort.dir === "desc" ? -1 : 1;
    var text = key === "name";
    rows.sort(function (a, b) {
      var x = a.cells[col].dataset.sort, y = b.cells[col].dataset.sort;
      var c = text ? (x < y ? -1 : x > y ? 1 : 0) : Number(x) - Number(y);
      return c !== 0 ? sign * c : a.dataset.order - b.dataset.order;
    });
    rows.forEach(function (row) { tbody.appendChild(row); });
    headers.forEach(function (th, i) {
      if (i === col) th.setAttribute("aria-sort", sort.dir === "desc" ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
  }
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
      if (sort.key !== "name" || sort.dir !== "asc") p.set("sort", sort.key + "-" + sort.dir);
      history.replaceState(null, "", p.toString() ? "#" + p.toString() : location.pathname);
    }
  }
  // A link can carry a filter and a sort: report.html#q=ali&status=fail&sort=score-desc
  var params = new URLSearchParams(location.hash.slice(1));
  filter.value = params.get("q") || "";
  status.value = params.get("status") || "";
  var wanted = (params.get("sort") || "").match(/^(.+)-(asc|desc)$/);
  if (wanted) order(wanted[1], wanted[2]);
  filter.addEventListener("input", function () { apply(true); });
  status.addEventListener("change", function () { apply(true); });
  headers.forEach(function (th) {
    var b = th.querySelector("button.sort");
    if (!b) return;
    b.addEventListener("click", function () {
      var again = sort.key === b.dataset.key;
      // A number column starts high, a name column at A; a second click
      // turns it round.
      var first = b.dataset.key === "name" ? "asc" : "desc";
      order(b.dataset.key, again ? (sort.dir === "asc" ? "desc" : "asc") : first);
      apply(true);
    });
  });
  apply(false);
  document.documentElement.setAttribute("data-ready", "true");
})();
