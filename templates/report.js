/* legacy-lens report: click a column heading to sort; type in a box to filter rows.
   The report's Content-Security-Policy allows this exact script by its sha256 hash. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    var value = cell.getAttribute("data-value");
    return value !== null ? value : cell.textContent.trim();
  }

  function sortTable(table, th, index) {
    var body = table.tBodies[0];
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var numeric = th.getAttribute("data-type") === "number";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index);
      var y = cellValue(b, index);
      var order = numeric
        ? (parseFloat(x) || 0) - (parseFloat(y) || 0)
        : x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
      return ascending ? order : -order;
    });
    Array.prototype.forEach.call(th.parentNode.cells, function (other) {
      if (other.classList.contains("sort")) { other.setAttribute("aria-sort", "none"); }
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.forEach(function (row) { body.appendChild(row); });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    if (!table.tHead || !table.tBodies.length) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.classList.add("sort");
      th.setAttribute("aria-sort", "none");
      th.tabIndex = 0;
      th.addEventListener("click", function () { sortTable(table, th, index); });
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sortTable(table, th, index);
        }
      });
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("input[data-filter-table]"), function (input) {
    var table = document.getElementById(input.getAttribute("data-filter-table"));
    var status = document.getElementById(input.getAttribute("data-filter-status"));
    if (!table || !table.tBodies.length) { return; }
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var match = !query || row.textContent.toLowerCase().indexOf(query) !== -1;
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      if (status) { status.textContent = query ? shown + " matching row(s) on this page" : ""; }
    });
  });

  /* Printing: open every collapsed list so the PDF holds it. */
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (details) { details.open = true; });
  });

  /* Treemap: show one layout at a time (code lines or effort); print shows both. */
  var treemapButtons = document.querySelectorAll("button[data-treemap]");
  function showTreemap(metric) {
    Array.prototype.forEach.call(document.querySelectorAll(".tm-view"), function (view) {
      view.hidden = view.getAttribute("data-metric") !== metric;
    });
    Array.prototype.forEach.call(treemapButtons, function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-treemap") === metric));
    });
  }
  Array.prototype.forEach.call(treemapButtons, function (button) {
    button.addEventListener("click", function () { showTreemap(button.getAttribute("data-treemap")); });
  });
  if (treemapButtons.length) { showTreemap(treemapButtons[0].getAttribute("data-treemap")); }

  /* The dependency graph is data, not code: a JSON element the CSP never runs. */
  var graph = null;
  var dataElement = document.getElementById("graph-data");
  if (dataElement) {
    try { graph = JSON.parse(dataElement.textContent); } catch (error) { graph = null; }
  }
  if (!graph || !graph.nodes) { return; }

  var nodes = graph.nodes;
  var byId = {};
  var callersOf = [];
  var calleesOf = [];
  nodes.forEach(function (node, index) {
    byId[node[0]] = index;
    callersOf.push([]);
    calleesOf.push([]);
  });
  for (var e = 0; e + 2 < graph.edges.length; e += 3) {
    var kind = graph.kinds[graph.edges[e + 2]];
    calleesOf[graph.edges[e]].push([graph.edges[e + 1], kind]);
    callersOf[graph.edges[e + 1]].push([graph.edges[e], kind]);
  }

  function el(tag, className, text) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    if (text !== undefined && text !== null) { element.textContent = String(text); }
    return element;
  }
  function number(value) { return value === null || value === undefined ? "\u2014" : value.toLocaleString("en"); }
  function decimal(value) { return value === null || value === undefined ? "\u2014" : value.toFixed(1); }
  function componentButton(index) {
    var button = el("button", "comp", nodes[index][1]);
    button.type = "button";
    button.setAttribute("data-component", nodes[index][0]);
    button.title = nodes[index][0] + ": show callers and callees";
    return button;
  }

  /* Components table: the data stays in memory; only one page of rows is in the DOM. */
  var table = document.getElementById("components-table");
  var filterInput = document.querySelector("input[data-components-filter]");
  var statusLine = document.getElementById("components-status");
  var pageSize = graph.page || 50;
  var order = nodes.map(function (node, index) { return index; });
  var shown = order.slice();
  var page = 0;
  var haystack = nodes.map(function (node) {
    return [node[1], node[0], node[2], node[3], graph.subsystems[node[4]]].join(" ").toLowerCase();
  });

  function renderPage() {
    if (!table) { return; }
    var body = table.tBodies[0];
    var pages = Math.max(1, Math.ceil(shown.length / pageSize));
    page = Math.min(Math.max(0, page), pages - 1);
    var start = page * pageSize;
    var slice = shown.slice(start, start + pageSize);
    body.textContent = "";
    slice.forEach(function (index) {
      var node = nodes[index];
      var row = document.createElement("tr");
      var first = document.createElement("td");
      first.appendChild(componentButton(index));
      row.appendChild(first);
      row.appendChild(el("td", "", node[2]));
      row.appendChild(el("td", "", node[3] || "\u2014"));
      row.appendChild(el("td", "", graph.subsystems[node[4]]));
      row.appendChild(el("td", "num", number(node[5])));
      row.appendChild(el("td", "num", decimal(node[6])));
      row.appendChild(el("td", "num", decimal(node[7])));
      row.appendChild(el("td", "num", number(node[8])));
      row.appendChild(el("td", "num", number(node[9])));
      body.appendChild(row);
    });
    if (!slice.length) {
      var empty = el("td", "empty", "No component matches the filter.");
      empty.colSpan = 9;
      var emptyRow = document.createElement("tr");
      emptyRow.appendChild(empty);
      body.appendChild(emptyRow);
    }
    if (statusLine) {
      statusLine.textContent = (shown.length ? "Rows " + number(start + 1) + "\u2013" + number(start + slice.length) : "No rows") +
        " of " + number(shown.length) + (shown.length < nodes.length ? " (filtered from " + number(nodes.length) + ")" : "") +
        " \u00b7 page " + (page + 1) + " of " + pages;
    }
    Array.prototype.forEach.call(document.querySelectorAll("button[data-pager]"), function (button) {
      button.disabled = button.getAttribute("data-pager") === "prev" ? page === 0 : page >= pages - 1;
    });
  }

  function applyFilter() {
    var query = filterInput ? filterInput.value.trim().toLowerCase() : "";
    shown = query ? order.filter(function (index) { return haystack[index].indexOf(query) !== -1; }) : order.slice();
    page = 0;
    renderPage();
  }

  function sortBy(th) {
    var key = parseInt(th.getAttribute("data-key"), 10);
    var numeric = th.getAttribute("data-type") === "number";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    order.sort(function (a, b) {
      var x = key === 4 ? graph.subsystems[nodes[a][4]] : nodes[a][key];
      var y = key === 4 ? graph.subsystems[nodes[b][4]] : nodes[b][key];
      var missingX = x === null || x === "";
      var missingY = y === null || y === "";
      if (missingX || missingY) { return missingX === missingY ? a - b : (missingX ? 1 : -1); }
      var result = numeric ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true, sensitivity: "base" });
      return (ascending ? result : -result) || a - b;
    });
    Array.prototype.forEach.call(th.parentNode.cells, function (other) { other.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    applyFilter();
  }

  if (table && table.tHead) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.classList.add("sort");
      th.setAttribute("aria-sort", "none");
      th.tabIndex = 0;
      th.addEventListener("click", function () { sortBy(th); });
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortBy(th); }
      });
    });
    if (filterInput) { filterInput.addEventListener("input", applyFilter); }
    Array.prototype.forEach.call(document.querySelectorAll("button[data-pager]"), function (button) {
      button.addEventListener("click", function () {
        page += button.getAttribute("data-pager") === "prev" ? -1 : 1;
        renderPage();
      });
    });
    renderPage();
  }

  /* Neighbourhood panel: callers and callees, one and two steps out. */
  var panel = document.getElementById("neighbourhood");
  var limit = graph.neighbours || 40;
  var lastOpener = null;

  function twoHops(start, adjacency) {
    var first = [];
    var firstKinds = {};
    adjacency[start].forEach(function (pair) {
      if (pair[0] === start) { return; }
      if (!(pair[0] in firstKinds)) { firstKinds[pair[0]] = []; first.push(pair[0]); }
      if (firstKinds[pair[0]].indexOf(pair[1]) === -1) { firstKinds[pair[0]].push(pair[1]); }
    });
    var second = [];
    var via = {};
    first.forEach(function (middle) {
      adjacency[middle].forEach(function (pair) {
        var index = pair[0];
        if (index === start || index in firstKinds || index in via) { return; }
        via[index] = middle;
        second.push(index);
      });
    });
    return { first: first, kinds: firstKinds, second: second, via: via };
  }

  function neighbourList(title, items, describe, className) {
    var block = el("div", "nb-block " + className);
    block.appendChild(el("h4", "", title + " (" + number(items.length) + ")"));
    if (!items.length) {
      block.appendChild(el("p", "empty", "none"));
      return block;
    }
    var list = el("ul", "nb-list");
    items.slice(0, limit).forEach(function (index) {
      var item = document.createElement("li");
      item.appendChild(componentButton(index));
      item.appendChild(el("span", "nb-kind", " " + describe(index)));
      list.appendChild(item);
    });
    block.appendChild(list);
    if (items.length > limit) { block.appendChild(el("p", "note", "and " + number(items.length - limit) + " more")); }
    return block;
  }

  function showNeighbourhood(id) {
    if (!panel) { return; }
    var index = byId[id];
    var titleElement = document.getElementById("nb-title");
    var meta = document.getElementById("nb-meta");
    var body = document.getElementById("nb-body");
    body.textContent = "";
    panel.hidden = false;
    if (index === undefined) {
      titleElement.textContent = id;
      meta.textContent = "This component is not in the graph embedded in this file (it holds " + number(nodes.length) +
        " of " + number(graph.total_nodes) + " components); scan.json has the full graph.";
      panel.focus();
      return;
    }
    var node = nodes[index];
    titleElement.textContent = node[1];
    meta.textContent = node[2] + (node[3] ? " in " + node[3] : "") + ", subsystem " + graph.subsystems[node[4]] +
      ", " + node[10] + ". " + number(node[5]) + " code lines, effort P50 " + decimal(node[6]) +
      " days, risk " + decimal(node[7]) + ". In the whole scan: " + number(node[8]) + " caller(s), " +
      number(node[9]) + " callee(s).";
    var up = twoHops(index, callersOf);
    var down = twoHops(index, calleesOf);
    function kindsOf(hop) { return function (other) { return nodes[other][2] + ", " + hop.kinds[other].join(", "); }; }
    function viaOf(hop) { return function (other) { return nodes[other][2] + ", via " + nodes[hop.via[other]][1]; }; }
    body.appendChild(neighbourList("Callers: use it directly", up.first, kindsOf(up), "nb-callers"));
    body.appendChild(neighbourList("Callers of the callers", up.second, viaOf(up), "nb-callers2"));
    body.appendChild(neighbourList("Callees: it uses directly", down.first, kindsOf(down), "nb-callees"));
    body.appendChild(neighbourList("Callees of the callees", down.second, viaOf(down), "nb-callees2"));
    panel.scrollTop = 0;
    panel.focus();
  }

  document.addEventListener("click", function (event) {
    var target = event.target && event.target.closest ? event.target.closest("[data-component]") : null;
    if (target) {
      event.preventDefault();
      if (!panel || !panel.contains(target)) { lastOpener = target; }
      showNeighbourhood(target.getAttribute("data-component"));
    }
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Escape" && panel && !panel.hidden) {
      panel.hidden = true;
      if (lastOpener && lastOpener.focus) { lastOpener.focus(); }
    } else if ((event.key === "Enter" || event.key === " ") && target && target.getAttribute &&
               target.tagName !== "BUTTON" && target.getAttribute("data-component")) {
      event.preventDefault();
      lastOpener = target;
      showNeighbourhood(target.getAttribute("data-component"));
    }
  });
  if (panel) {
    panel.querySelector(".panel-close").addEventListener("click", function () {
      panel.hidden = true;
      if (lastOpener && lastOpener.focus) { lastOpener.focus(); }
    });
  }
})();
