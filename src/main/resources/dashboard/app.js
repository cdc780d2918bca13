// The Switchboard dashboard: polls /v1/stats every 2 s and draws it. No dependencies, no build step.
(function () {
  'use strict';
  var POLL_MS = 2000;
  var SVG = 'http://www.w3.org/2000/svg';

  function $(id) { return document.getElementById(id); }
  function text(id, value) { $(id).textContent = value; }
  function num(v, digits) { return v === null || v === undefined ? '–' : Number(v).toFixed(digits); }
  function pct(v) { return v === null || v === undefined ? '–' : (v * 100).toFixed(v < 0.1 ? 2 : 1) + ' %'; }
  function ms(v) { return v === null || v === undefined ? '–' : (v < 10 ? v.toFixed(1) : Math.round(v)); }
  function clock(iso) { return iso ? new Date(iso).toLocaleTimeString() : '–'; }
  function duration(s) {
    s = Math.floor(s);
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    return d ? d + 'd ' + h + 'h' : h ? h + 'h ' + m + 'm' : m ? m + 'm ' + (s % 60) + 's' : s + 's';
  }

  function rows(tableId, items, cells, emptyText) {
    var body = $(tableId).tBodies[0];
    var fresh = document.createElement('tbody');
    if (!items.length) {
      var tr = fresh.insertRow(), td = tr.insertCell();
      td.colSpan = $(tableId).tHead.rows[0].cells.length;
      td.className = 'empty';
      td.textContent = emptyText;
    }
    items.forEach(function (item) {
      var tr = fresh.insertRow();
      cells(item).forEach(function (c) {
        var td = tr.insertCell();
        if (c !== null && typeof c === 'object') { td.textContent = c.text; td.className = c.cls || ''; }
        else { td.textContent = c; }
      });
    });
    $(tableId).replaceChild(fresh, body);
  }

  function niceMax(v) {
    if (!(v > 0)) { return 1; }
    var p = Math.pow(10, Math.floor(Math.log10(v))), f = v / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
  }

  // Draws series (arrays of numbers or null for gaps) as lines over a fixed five-minute frame.
  function chart(svgId, series, slots, format) {
    // The drawing uses the element's real size so that text is never stretched.
    var svg = $(svgId), W = svg.clientWidth || 600, H = svg.clientHeight || 140, top = 4, bottom = 16, left = 0;
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    var max = 0;
    series.forEach(function (s) { s.values.forEach(function (v) { if (v !== null && v > max) { max = v; } }); });
    max = niceMax(max);
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    [0, 0.5, 1].forEach(function (f) {
      var y = top + (H - top - bottom) * (1 - f);
      var g = document.createElementNS(SVG, 'line');
      g.setAttribute('x1', 0); g.setAttribute('x2', W); g.setAttribute('y1', y); g.setAttribute('y2', y);
      g.setAttribute('class', 'grid');
      svg.appendChild(g);
      var t = document.createElementNS(SVG, 'text');
      t.setAttribute('x', 4); t.setAttribute('y', f === 0 ? y - 3 : y + 11);
      t.textContent = format(max * f);
      svg.appendChild(t);
    });
    series.forEach(function (s) {
      var d = '', pen = false, n = s.values.length;
      s.values.forEach(function (v, i) {
        if (v === null || v === undefined) { pen = false; return; }
        var x = left + (W - left) * (slots - n + i + 1) / slots;
        var y = top + (H - top - bottom) * (1 - v / max);
        d += (pen ? 'L' : 'M') + x.toFixed(1) + ' ' + y.toFixed(1);
        pen = true;
      });
      var path = document.createElementNS(SVG, 'path');
      path.setAttribute('d', d || 'M0 0');
      path.setAttribute('class', 'line ' + s.cls);
      svg.appendChild(path);
    });
    var label = document.createElementNS(SVG, 'text');
    label.setAttribute('x', W - 4); label.setAttribute('y', H - 3); label.setAttribute('text-anchor', 'end');
    label.textContent = 'last 5 min';
    svg.appendChild(label);
  }

  function render(s) {
    var banner = $('banner');
    banner.className = 'banner ' + s.status;
    text('status', s.status);
    text('reasons', (s.reasons || []).join('; '));
    text('version', s.version);
    text('uptime', duration(s.uptime_seconds));
    text('rps', num(s.recent.requests_per_second, 1));
    text('rps-start', num(s.since_start.requests_per_second, 2));
    text('error-rate', pct(s.recent.error_rate));
    text('error-rate-start', pct(s.since_start.error_rate));
    text('latency', ms(s.latency.p50_ms) + ' / ' + ms(s.latency.p95_ms) + ' / ' + ms(s.latency.p99_ms));
    text('total', s.totals.requests);
    text('failed', s.totals.failed);

    var points = s.history.points, slots = Math.max(150, points.length);
    function col(key) { return points.map(function (p) { return p[key]; }); }
    chart('chart-rps', [{values: col('requests_per_second'), cls: 'l-rps'}], slots, function (v) { return num(v, 1); });
    chart('chart-errors', [{values: col('error_rate'), cls: 'l-errors'}], slots, pct);
    chart('chart-latency', [
      {values: col('p50_ms'), cls: 'l-p50'}, {values: col('p95_ms'), cls: 'l-p95'}, {values: col('p99_ms'), cls: 'l-p99'}
    ], slots, function (v) { return ms(v); });

    rows('workers', s.workers, function (w) {
      return [w.pool, w.id, {text: w.circuit.replace('_', '-'), cls: 'c-' + w.circuit},
        // This instance's share of max_concurrency; "of" the fleet-wide limit when other instances share it.
        w.in_flight + ' / ' + w.concurrency_limit
          + (w.concurrency_limit !== w.max_concurrency ? ' of ' + w.max_concurrency : ''),
        pct(w.success_rate), pct(w.error_rate), ms(w.p95_ms), clock(w.last_success)];
    }, 'no workers');
    rows('routes', s.routes, function (r) {
      return [r['class'], r.pool, r.requests, r.failed, pct(r.success_rate), ms(r.p95_ms)];
    }, 'no routes');
    rows('queues', s.queues, function (q) {
      return [q.pool, q.depth.critical, q.depth.high, q.depth.normal, q.depth.low, q.total + ' / ' + q.capacity];
    }, 'no pools');
    var st = s.store, pending = 0;
    Object.keys(st.pending_events || {}).forEach(function (k) { pending += st.pending_events[k]; });
    rows('store', [st], function (x) {
      var m = x.messages || {};
      return [{text: x.healthy ? 'healthy' : 'failing', cls: x.healthy ? 'c-closed' : 'c-open'}, m.queued, m.in_flight,
        m.delivered, m.dead_lettered, m.expired, pending];
    }, 'no store');
    rows('failures', s.recent_failures, function (f) {
      return [clock(f.time), f.request_id, f['class'], f.pool, f.worker || '–', f.category, {text: f.detail, cls: 'detail'}];
    }, 'none');
    text('updated', clock(s.time));
  }

  function poll() {
    fetch('/v1/stats', {cache: 'no-store'})
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
      .then(render)
      .catch(function (e) {
        console.error("dashboard: " + (e && e.stack ? e.stack : e));
        $('banner').className = 'banner down';
        text('status', 'unreachable');
        text('reasons', String(e.message || e));
      })
      .then(function () { setTimeout(poll, POLL_MS); });
  }

  poll();
}());
