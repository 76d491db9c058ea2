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
  var count = document.querySelectorAll('svg.timeline [data-kind]').length;
  document.body.setAttribute('data-marker-count', String(count));
  document.body.setAttribute('data-report-ready', '1');
})();
