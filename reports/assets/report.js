// The report page's script, embedded in each page by the build (reports/CMakeLists.txt). It runs after the
// page is parsed. It must not contain the characters less-than, greater-than or ampersand: the page is
// XHTML for parsers and HTML for browsers, and those would be escaped (reports_HtmlAssets checks).
(function () {
  var panel = document.getElementById('details');
  function show(evt) {
    var t = evt.target;
    while (t) {
      if (!t.getAttribute) return;
      if (t.hasAttribute('data-kind')) break;
      t = t.parentNode;
    }
    if (!t) return;
    var title = t.querySelector('title');
    panel.textContent = title ? title.textContent : t.getAttribute('data-kind');
  }
  var svgs = document.querySelectorAll('svg.timeline');
  svgs.forEach(function (svg) {
    svg.addEventListener('mouseover', show);
    svg.addEventListener('click', show);
    var px = Number(svg.getAttribute('data-plot-x')), pw = Number(svg.getAttribute('data-plot-w'));
    var t0 = Number(svg.getAttribute('data-t0')), t1 = Number(svg.getAttribute('data-t1'));
    var line = svg.querySelector('.cursor'), label = svg.querySelector('.cursor-label');
    svg.addEventListener('mousemove', function (evt) {
      var r = svg.getBoundingClientRect();
      var x = evt.clientX - r.left;
      if (Math.min(Math.max(x, px), px + pw) !== x) return;
      var t = t0 + (x - px) / pw * (t1 - t0);
      line.setAttribute('x1', x); line.setAttribute('x2', x);
      label.setAttribute('x', x + 3);
      label.textContent = (t / 1e9).toFixed(3) + ' s';
    });
  });
  // The fleet view (reports/html_fleet.cpp): machine tables sort by a column heading, and a machine's
  // timeline lanes are drawn from its row's data-lane (reports/lane_data.h) when it is clicked. The
  // address may ask for both: report.html#sort=-handoff;open=m042 (a minus sorts descending).
  var SVGNS = 'http://www.w3.org/2000/svg';
  var LABEL_W = 170, PLOT_W = 1150;
  var LANES = [['phases', 'phases', 16], ['stages', 'firmware stages', 20], ['link', 'link', 12],
               ['net', 'network', 30], ['console', 'console / keys', 16], ['calls', 'PXE/BIOS calls', 16],
               ['other', 'other events', 16]];
  var LANE_OF = {phase: 'phases', exit: 'phases', handoff: 'phases', tx: 'net', rx: 'net', drop: 'net',
                 dhcp: 'net', tftp: 'net', http: 'net', 'link-up': 'link', 'link-down': 'link',
                 console: 'console', key: 'console', call: 'calls', 'call-error': 'calls', fault: 'calls'};
  var COUNTED = {tx: 'frames sent', rx: 'frames received', drop: 'frames dropped', console: 'console writes',
                 call: 'PXE/BIOS calls', 'call-error': 'failing calls', other: 'other events'};
  function svgEl(parent, name, attrs, text) {
    var e = document.createElementNS(SVGNS, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    parent.appendChild(e);
    return e;
  }
  function secs(us) { return (us / 1e6).toFixed(3) + ' s'; }

  function drawLanes(table, row) {
    var d = JSON.parse(row.getAttribute('data-lane'));
    var colors = JSON.parse(table.getAttribute('data-colors'));
    var t0 = Number(table.getAttribute('data-t0')) / 1000, t1 = Number(table.getAttribute('data-t1')) / 1000;
    function x(us) { return LABEL_W + Math.min(Math.max((us - t0) / (t1 - t0), 0), 1) * PLOT_W; }
    var used = {};
    d.s.forEach(function (s) { used[['phases', 'stages', 'net'][s[2]]] = true; });
    if (d.l.length) used.link = true;
    d.m.forEach(function (m) { used[LANE_OF[m[1]] || 'other'] = true; });
    var y = 4, at = {};
    LANES.forEach(function (l) { if (used[l[0]]) { at[l[0]] = {y: y, h: l[2], title: l[1]}; y += l[2] + 1; } });
    var svg = svgEl(document.createElementNS(SVGNS, 'g'), 'svg', {'class': 'lane',
      width: LABEL_W + PLOT_W + 30, height: y + 4, 'data-plot-x': LABEL_W, 'data-plot-w': PLOT_W,
      'data-t0': t0 * 1000, 'data-t1': t1 * 1000});
    Object.keys(at).forEach(function (k, i) {
      var l = at[k];
      svgEl(svg, 'rect', {'class': i % 2 ? 'lanebg alt' : 'lanebg', x: LABEL_W, y: l.y, width: PLOT_W, height: l.h});
      svgEl(svg, 'text', {'class': 'lanename', x: 10, y: l.y + l.h / 2 + 3.5}, l.title);
    });
    d.s.forEach(function (s) {
      var l = at[['phases', 'stages', 'net'][s[2]]];
      var g = svgEl(svg, 'g', {'class': 'stage', 'data-kind': 'stage'});
      svgEl(g, 'title', {}, s[4] + '\n' + secs(s[0]) + ' - ' + secs(s[1]) + (s[5] ? '\noutcome: ' + s[5] : ''));
      var r = svgEl(g, 'rect', {x: x(s[0]), y: l.y + 2, width: Math.max(1.5, x(s[1]) - x(s[0])), height: l.h - 4, fill: s[3]});
      if (s[2] === 2) r.setAttribute('fill-opacity', '0.45');
      if (s[5] === 'failed') { r.setAttribute('stroke', '#d40000'); r.setAttribute('stroke-width', '2'); }
    });
    d.l.forEach(function (l) {
      var g = svgEl(svg, 'g', {'class': 'linkbar link-' + (l[2] ? 'up' : 'down'), 'data-kind': 'link'});
      svgEl(g, 'title', {}, 'link ' + (l[2] ? 'up' : 'down') + (l[3] ? ' (inferred)' : '') + '\n' + secs(l[0]) + ' - ' + secs(l[1]));
      svgEl(g, 'rect', {x: x(l[0]), y: at.link.y + 2, width: Math.max(1, x(l[1]) - x(l[0])), height: at.link.h - 4,
                        fill: l[2] ? '#4caf50' : '#e53935', 'fill-opacity': l[3] ? 0.45 : 1});
    });
    d.m.forEach(function (m) {
      var l = at[LANE_OF[m[1]] || 'other'];
      var counted = typeof m[2] === 'number';
      var g = svgEl(svg, 'g', {'class': 'ev cat-' + m[1], 'data-kind': m[1], 'data-t-us': m[0]});
      svgEl(g, 'title', {}, (counted ? m[2] + ' ' + (COUNTED[m[1]] || m[1]) + ' from' : m[2] + '\nat') + ' ' + secs(m[0]));
      var c = colors[m[1]] || '#7a7a7a';
      if (m.length === 4) {
        svgEl(g, 'rect', {x: x(m[0]), y: l.y + 3, width: Math.max(2, x(m[3]) - x(m[0])), height: l.h - 6, fill: c, 'fill-opacity': 0.8});
      } else if (counted) {
        var h = Math.min(l.h - 2, 3 + 2.5 * Math.log(m[2]) / Math.LN2);
        svgEl(g, 'rect', {x: x(m[0]) - 1, y: l.y + l.h - 1 - h, width: 2.5, height: h, fill: c});
      } else {
        svgEl(g, 'circle', {cx: x(m[0]), cy: l.y + l.h / 2, r: 3.5, fill: c});
      }
    });
    svg.addEventListener('mouseover', show);
    svg.addEventListener('click', show);
    return svg;
  }

  function toggleLanes(table, row) {
    var next = row.nextElementSibling;
    if (next) if (next.classList.contains('lanerow')) {
      next.remove();
      row.classList.remove('open');
      return;
    }
    var tr = document.createElement('tr'), td = document.createElement('td');
    tr.className = 'lanerow';
    td.colSpan = row.children.length;
    td.appendChild(drawLanes(table, row));
    var d = JSON.parse(row.getAttribute('data-lane'));
    if (d.c.length) {
      var con = document.createElement('div');
      con.className = 'console';
      if (d.cn) con.appendChild(document.createTextNode('(' + d.cn + ' earlier lines in the console log)\n'));
      d.c.forEach(function (c) {
        var line = document.createElement('div'), t = document.createElement('span');
        t.className = 't';
        t.textContent = secs(c[0]);
        line.appendChild(t);
        line.appendChild(document.createTextNode(c[1] || ' '));
        con.appendChild(line);
      });
      td.appendChild(con);
    }
    tr.appendChild(td);
    row.after(tr);
    row.classList.add('open');
  }

  // Numbers sort as numbers, other text as text, empty cells last whichever the direction.
  function sortTable(table, key, descending) {
    var heads = Array.prototype.slice.call(table.querySelectorAll('tr:first-child th'));
    var col = heads.findIndex(function (th) { return th.getAttribute('data-key') === key; });
    if (col === -1) return;
    var rows = Array.prototype.slice.call(table.querySelectorAll('tr.mrow'));
    function value(row) { return row.children[col].getAttribute('data-v') || ''; }
    rows.sort(function (a, b) {
      var va = value(a), vb = value(b);
      if (va === '' || vb === '') return (va === '') - (vb === '');
      var na = Number(va), nb = Number(vb), c;
      if (isFinite(na)) if (isFinite(nb)) c = na - nb;
      if (c === undefined) c = va.localeCompare(vb);
      return descending ? -c : c;
    });
    rows.forEach(function (row) {
      var lanes = row.nextElementSibling;
      table.appendChild(row);
      if (lanes) if (lanes.classList.contains('lanerow')) table.appendChild(lanes);
    });
    heads.forEach(function (th) { th.removeAttribute('data-sorted'); });
    heads[col].setAttribute('data-sorted', descending ? 'descending' : 'ascending');
    table.setAttribute('data-sorted-by', (descending ? '-' : '') + key);
  }

  var fleetTables = document.querySelectorAll('table.machines');
  fleetTables.forEach(function (table) {
    table.addEventListener('click', function (evt) {
      var th = evt.target.closest('th');
      if (th) {
        sortTable(table, th.getAttribute('data-key'), th.getAttribute('data-sorted') === 'ascending');
        return;
      }
      var td = evt.target.closest('td.lane-toggle');
      if (td) toggleLanes(table, td.parentNode);
    });
  });
  // The address's requests: sort=KEY or sort=-KEY, open=MACHINE (repeatable), separated by ';'.
  location.hash.replace(/^#/, '').split(';').forEach(function (part) {
    var eq = part.indexOf('='), k = part.slice(0, eq), v = decodeURIComponent(part.slice(eq + 1));
    fleetTables.forEach(function (table) {
      if (k === 'sort') sortTable(table, v.replace(/^-/, ''), v.charAt(0) === '-');
      if (k === 'open') table.querySelectorAll('tr.mrow').forEach(function (row) {
        if (row.getAttribute('data-machine') === v) toggleLanes(table, row);
      });
    });
  });
  document.body.setAttribute('data-lanes-open', String(document.querySelectorAll('tr.lanerow').length));
  var count = document.querySelectorAll('svg.timeline [data-kind]').length;
  document.body.setAttribute('data-marker-count', String(count));
  document.body.setAttribute('data-report-ready', '1');
})();
