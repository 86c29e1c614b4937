// Kraków Pulse dashboard: plain JavaScript, no libraries, everything from this server's API, so it
// works with no internet. Data flow: REST for the initial state, Server-Sent Events (/api/v1/stream)
// for every later indicator value and alert change.
(function () {
  'use strict';
  var API = '/api/v1';
  var TEXT = {
    pl: { subtitle: 'wskaźniki strategii „Kraków 2030”', live: 'na żywo', liveTitle: 'aktualizacje na żywo (SSE)',
      mapTitle: 'Dzielnice', colourBy: 'Koloruj według', alertsTitle: 'Alerty', noAlerts: 'Brak aktywnych alertów',
      indicator: 'Wskaźnik', scope: 'Zakres', value: 'Wartość', status: 'Status', trend: 'Trend',
      notComputed: 'jeszcze nie liczony', noData: 'brak danych', valid: 'ważny', invalid: 'nieważny',
      simulated: 'DANE SYMULOWANE', PROVISIONAL: 'wstępny', FINAL: 'ostateczny', noDistrictData: 'Brak wartości dla dzielnic dla tego wskaźnika.',
      otherPlace: 'dane demo: {name}', otherPlaceTitle: 'To nie są dane Krakowa: {name} ({place}), dołączone jako dane demonstracyjne.',
      districtValues: 'dzielnic z wartością', since: 'od', cleared: 'zakończony', ended: 'zakończony',
      footer: 'Dane: GIOŚ / WIOŚ Kraków i inne źródła (zob. eksport). Granice dzielnic: Miasto Kraków via andilabs.' },
    en: { subtitle: 'indicators of the "Kraków 2030" strategy', live: 'live', liveTitle: 'live updates (SSE)',
      mapTitle: 'Districts', colourBy: 'Colour by', alertsTitle: 'Alerts', noAlerts: 'No active alerts',
      indicator: 'Indicator', scope: 'Scope', value: 'Value', status: 'Status', trend: 'Trend',
      notComputed: 'not computed yet', noData: 'no data', valid: 'valid', invalid: 'invalid',
      simulated: 'SIMULATED DATA', PROVISIONAL: 'provisional', FINAL: 'final', noDistrictData: 'No district values for this indicator yet.',
      otherPlace: '{name} demo data', otherPlaceTitle: 'Not Kraków\'s data: {name} ({place}), bundled as demo data.',
      districtValues: 'districts with a value', since: 'since', cleared: 'ended', ended: 'ended',
      footer: 'Data: GIOŚ / WIOŚ Kraków and other sources (see the export). District boundaries: City of Kraków via andilabs.' }
  };
  var PALETTE_LOW_GOOD = ['#1a9850', '#91cf60', '#fee08b', '#fc8d59', '#d73027'];
  // The city this dashboard is about. Every value names its place (API field `place`: city:krakow, city:poznan,
  // system:oslo-bysykkel); the panels show Kraków's and label any other city's or system's value.
  var KRAKOW = 'city:krakow';

  var state = {
    lang: (localStorage.getItem('pulse.lang') || 'pl'),
    goals: [],              // catalog goals with indicators
    indicators: {},         // id -> catalog indicator
    latest: {},             // id -> scope -> value JSON
    shown: {},              // id -> scope shown in the panel
    spark: {},              // id|scope -> [value JSON] by window start
    alerts: {},             // alertId -> alert JSON
    geo: null,
    mapIndicator: null
  };

  function t(key) { return (TEXT[state.lang] || TEXT.en)[key] || key; }
  function tf(key, args) {
    return t(key).replace(/\{(\w+)\}/g, function (m, k) { return args[k] === undefined || args[k] === null ? '' : String(args[k]); });
  }
  function otherPlace(v) { return v && v.place && v.place !== KRAKOW; }
  function label(l) { return l ? (l[state.lang] || l.en || l.pl) : ''; }
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') { e.textContent = attrs[k]; } else if (k === 'cls') { e.className = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { e.appendChild(c); } });
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function getJson(path) {
    return fetch(path, { headers: { Accept: 'application/json' } }).then(function (r) {
      if (!r.ok) { throw new Error(path + ' -> ' + r.status); }
      return r.json();
    });
  }
  function fmt(v) {
    if (v === null || v === undefined) { return '—'; }
    var abs = Math.abs(v);
    var digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
    return v.toLocaleString(state.lang === 'pl' ? 'pl-PL' : 'en-GB', { maximumFractionDigits: digits });
  }

  // --- panels ----------------------------------------------------------------------------------

  // Kraków first: city:krakow, else Kraków's whole systems, else a part of Kraków (station, district, line);
  // only when Kraków has no value, another city's or system's value, labelled; last, a scope naming no place.
  function chooseScope(id) {
    var byScope = state.latest[id] || {};
    var scopes = Object.keys(byScope);
    if (scopes.length === 0) { return null; }
    if (byScope[KRAKOW]) { return KRAKOW; }
    function rank(s) {
      var v = byScope[s];
      var kind = s.substring(0, s.indexOf(':'));
      var whole = (kind === 'city' || kind === 'system') && s.indexOf('/') < 0;
      if (!v.place) { return 4; }
      if (v.place === KRAKOW) { return whole ? 0 : 1; }
      return whole ? 2 : 3;
    }
    scopes.sort(function (a, b) { return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0); });
    return scopes[0];
  }

  function renderGoals() {
    var root = document.getElementById('goals');
    root.innerHTML = '';
    state.goals.forEach(function (g) {
      var table = el('table', {}, [el('thead', {}, [el('tr', {}, ['indicator', 'scope', 'value', 'status', 'trend']
        .map(function (k) { return el('th', { 'data-i18n': k, text: t(k) }); }))])]);
      var body = el('tbody');
      g.indicators.forEach(function (i) { body.appendChild(el('tr', { 'data-indicator': i.id })); });
      table.appendChild(body);
      root.appendChild(el('section', { cls: 'goal', 'data-goal': g.id }, [
        el('h2', {}, [el('span', { cls: 'gid', text: g.id }), el('span', { cls: 'gname', text: label(g.name) })]),
        table]));
      g.indicators.forEach(function (i) { renderRow(i.id); });
    });
  }

  function renderRow(id) {
    var row = document.querySelector('tr[data-indicator="' + id + '"]');
    if (!row) { return; }
    var ind = state.indicators[id];
    var scope = state.shown[id];
    var v = scope ? state.latest[id][scope] : null;
    row.innerHTML = '';
    row.appendChild(el('td', { cls: 'name', text: label(ind.name) }));
    row.appendChild(el('td', { cls: 'scope', text: scope || '' }));
    var valueCell = el('td', { cls: 'value' });
    var status = el('td', { cls: 'status' });
    if (v) {
      row.setAttribute('data-scope', scope);
      row.setAttribute('data-place', v.place || '');
      row.setAttribute('data-value', v.value === null ? '' : String(v.value));
      row.setAttribute('data-window-start', v.windowStart);
      valueCell.textContent = v.value === null ? '—' : fmt(v.value) + ' ' + (v.unit || '');
      status.appendChild(el('span', { cls: 'badge b-' + v.status, 'data-status': v.status, text: t(v.status) }));
      status.appendChild(el('span', { cls: 'badge ' + (v.valid ? 'b-valid' : 'b-invalid'), text: v.valid ? t('valid') : t('invalid') }));
      if (v.simulated) { status.appendChild(el('span', { cls: 'badge b-simulated', 'data-simulated': 'true', text: t('simulated') })); }
      if (otherPlace(v)) {
        var names = { name: v.placeName || v.place, place: v.place };
        status.appendChild(el('span', { cls: 'badge b-other-place', 'data-other-place': v.place, title: tf('otherPlaceTitle', names),
          text: tf('otherPlace', names) }));
      }
    } else {
      row.removeAttribute('data-value');
      row.removeAttribute('data-place');
      valueCell.textContent = '—';
      status.appendChild(el('span', { cls: 'badge b-none', text: ind.implemented ? t('noData') : t('notComputed') }));
    }
    row.appendChild(valueCell);
    row.appendChild(status);
    var sparkCell = el('td', { cls: 'spark' });
    sparkCell.appendChild(sparkline(scope ? state.spark[id + '|' + scope] : null));
    row.appendChild(sparkCell);
  }

  function sparkline(values) {
    var s = svg('svg', { 'class': 'spark', viewBox: '0 0 110 26', preserveAspectRatio: 'none' });
    var pts = (values || []).filter(function (v) { return v.value !== null; });
    if (pts.length < 2) { return s; }
    var min = Math.min.apply(null, pts.map(function (p) { return p.value; }));
    var max = Math.max.apply(null, pts.map(function (p) { return p.value; }));
    var span = max - min || 1;
    var coords = pts.map(function (p, k) {
      return (k * 108 / (pts.length - 1) + 1).toFixed(1) + ',' + (24 - (p.value - min) * 22 / span).toFixed(1);
    });
    s.appendChild(svg('polyline', { points: coords.join(' ') }));
    s.setAttribute('data-points', String(pts.length));
    return s;
  }

  function loadSpark(id) {
    var scope = state.shown[id];
    if (!scope) { return Promise.resolve(); }
    // Newest first and only as many as the sparkline draws: a per-minute series holds thousands a month.
    return getJson(API + '/indicators/' + encodeURIComponent(id) + '?scope=' + encodeURIComponent(scope)
        + '&order=desc&limit=' + SPARK_POINTS).then(function (h) {
      state.spark[id + '|' + scope] = h.values.slice().reverse();
      renderRow(id);
    }).catch(function () { /* the panel still shows the latest value */ });
  }

  // --- map -------------------------------------------------------------------------------------

  function districtScopes(id) {
    return Object.keys(state.latest[id] || {}).filter(function (s) { return s.indexOf('district:') === 0; });
  }

  function renderMapSelect() {
    var select = document.getElementById('map-indicator');
    var ids = Object.keys(state.indicators).filter(function (id) {
      var i = state.indicators[id];
      return districtScopes(id).length > 0 || (i.scopes || []).indexOf('district') >= 0;
    });
    ids.sort(function (a, b) { return districtScopes(b).length - districtScopes(a).length || a.localeCompare(b); });
    if (!state.mapIndicator || ids.indexOf(state.mapIndicator) < 0) { state.mapIndicator = ids[0] || null; }
    // Rebuilt only when the choice changes: rebuilding on every live update would reset an open list under the user.
    var signature = state.lang + '|' + state.mapIndicator + '|' + ids.join(',');
    if (select.getAttribute('data-signature') === signature) { return; }
    select.setAttribute('data-signature', signature);
    select.innerHTML = '';
    ids.forEach(function (id) {
      var o = el('option', { value: id, text: id + ' — ' + label(state.indicators[id].name) });
      if (id === state.mapIndicator) { o.selected = true; }
      select.appendChild(o);
    });
  }

  function renderMap() {
    var map = document.getElementById('map');
    if (!state.geo) { return; }
    map.innerHTML = '';
    var minLon = 180, maxLon = -180, minLat = 90, maxLat = -90;
    state.geo.features.forEach(function (f) {
      f.geometry.coordinates.forEach(function (poly) {
        poly[0].forEach(function (c) {
          minLon = Math.min(minLon, c[0]); maxLon = Math.max(maxLon, c[0]);
          minLat = Math.min(minLat, c[1]); maxLat = Math.max(maxLat, c[1]);
        });
      });
    });
    // Equirectangular with cos(latitude): adequate for a city 20 km across.
    var kx = Math.cos((minLat + maxLat) / 2 * Math.PI / 180);
    var scale = Math.min(580 / ((maxLon - minLon) * kx), 400 / (maxLat - minLat));
    function x(lon) { return 10 + (lon - minLon) * kx * scale; }
    function y(lat) { return 10 + (maxLat - lat) * scale; }
    var id = state.mapIndicator;
    var values = {};
    if (id) {
      districtScopes(id).forEach(function (s) {
        var v = state.latest[id][s];
        if (v && v.value !== null) { values[s.substring('district:'.length)] = v; }
      });
    }
    var nums = Object.keys(values).map(function (k) { return values[k].value; });
    var min = Math.min.apply(null, nums), max = Math.max.apply(null, nums);
    var higherBetter = id && state.indicators[id].direction === 'HIGHER_IS_BETTER';
    function colour(v) {
      if (nums.length === 0 || v === undefined) { return '#cfd6de'; }
      var k = max === min ? 2 : Math.min(4, Math.floor((v - min) / (max - min) * 5));
      return PALETTE_LOW_GOOD[higherBetter ? 4 - k : k];
    }
    state.geo.features.forEach(function (f) {
      var p = f.properties;
      var d = '';
      var sx = 0, sy = 0, n = 0;
      f.geometry.coordinates.forEach(function (poly) {
        poly.forEach(function (ring) {
          d += 'M' + ring.map(function (c) { return x(c[0]).toFixed(1) + ' ' + y(c[1]).toFixed(1); }).join('L') + 'Z';
        });
        poly[0].forEach(function (c) { sx += x(c[0]); sy += y(c[1]); n++; });
      });
      var v = values[p.roman] || values[String(p.number)];
      var path = svg('path', { d: d, fill: colour(v ? v.value : undefined), 'data-district': p.roman, 'data-number': String(p.number) });
      if (v) { path.setAttribute('data-value', String(v.value)); }
      var title = svg('title', {});
      title.textContent = p.roman + ' ' + p.name + (v ? ': ' + fmt(v.value) + ' ' + v.unit : ' — ' + t('noData'));
      path.appendChild(title);
      map.appendChild(path);
      var label = svg('text', { x: (sx / n).toFixed(1), y: (sy / n).toFixed(1) });
      label.textContent = p.roman;
      map.appendChild(label);
    });
    var legend = document.getElementById('legend');
    legend.innerHTML = '';
    var info = document.getElementById('map-info');
    if (nums.length === 0) {
      legend.appendChild(el('span', {}, [el('span', { cls: 'sw', style: 'background:#cfd6de' }), document.createTextNode(t('noData'))]));
      info.textContent = t('noDistrictData');
    } else {
      var unit = state.indicators[id].unit || '';
      var classes = max === min ? 1 : 5;
      if (classes === 1) {
        legend.appendChild(el('span', {}, [el('span', { cls: 'sw', style: 'background:' + PALETTE_LOW_GOOD[2] }),
          document.createTextNode(fmt(min) + ' ' + unit)]));
      }
      for (var k = 0; k < 5 && classes === 5; k++) {
        var lo = min + (max - min) * k / 5, hi = min + (max - min) * (k + 1) / 5;
        legend.appendChild(el('span', {}, [el('span', { cls: 'sw', style: 'background:' + PALETTE_LOW_GOOD[higherBetter ? 4 - k : k] }),
          document.createTextNode(fmt(lo) + '–' + fmt(hi) + ' ' + unit)]));
      }
      info.textContent = nums.length + ' ' + t('districtValues');
    }
  }

  // --- alerts ----------------------------------------------------------------------------------

  function renderAlerts() {
    var list = document.getElementById('alerts');
    list.innerHTML = '';
    var all = Object.keys(state.alerts).map(function (k) { return state.alerts[k]; })
      .sort(function (a, b) { return a.lastUpdated < b.lastUpdated ? 1 : -1; });
    if (all.length === 0) { list.appendChild(el('li', { cls: 'muted', text: t('noAlerts') })); return; }
    all.forEach(function (a) {
      var ind = state.indicators[a.indicatorId];
      list.appendChild(el('li', { 'data-alert-id': a.alertId, cls: a.active ? '' : 'ended' }, [
        el('span', { cls: 'lvl-' + a.level, text: a.level + ' ' }),
        document.createTextNode((ind ? label(ind.name) : a.indicatorId) + ' · ' + a.scope + ' · ' + fmt(a.value) + ' ' + a.unit
          + (a.threshold !== null ? ' (> ' + fmt(a.threshold) + ')' : '') + ' · ' + a.state + ' · ' + t('since') + ' ' + a.firstSeen)]));
    });
  }

  // --- live ------------------------------------------------------------------------------------

  // Updates are applied to the state at once but drawn at most every RENDER_MS: a backfill or a busy
  // feed sends hundreds of values a second, and redrawing rows and the map for each kept the page's
  // main thread (and a browser automation talking to it) busy on a loaded machine.
  var RENDER_MS = 250;
  var SPARK_POINTS = 240; // a sparkline is ~110 px wide: older points add nothing but sorting work
  var pending = { rows: {}, map: false, alerts: false, timer: null };

  function schedule() {
    if (pending.timer === null) { pending.timer = setTimeout(flush, RENDER_MS); }
  }

  function flush() {
    pending.timer = null;
    var rows = Object.keys(pending.rows);
    pending.rows = {};
    rows.forEach(function (id) {
      renderRow(id);
      var row = document.querySelector('tr[data-indicator="' + id + '"]');
      if (row) { row.classList.remove('flash'); void row.offsetWidth; row.classList.add('flash'); }
    });
    if (pending.map) { pending.map = false; renderMapSelect(); renderMap(); }
    if (pending.alerts) { pending.alerts = false; renderAlerts(); }
  }

  function onIndicator(v) {
    if (!state.indicators[v.indicatorId]) { return; } // not in this catalog
    var byScope = state.latest[v.indicatorId] = state.latest[v.indicatorId] || {};
    var current = byScope[v.scope];
    if (current && current.windowStart > v.windowStart && v.windowStart.length === current.windowStart.length) { return; }
    byScope[v.scope] = v;
    var before = state.shown[v.indicatorId];
    state.shown[v.indicatorId] = chooseScope(v.indicatorId);
    var key = v.indicatorId + '|' + v.scope;
    var series = state.spark[key] = (state.spark[key] || []).filter(function (p) { return p.windowStart !== v.windowStart; });
    series.push(v);
    series.sort(function (a, b) { return a.windowStart < b.windowStart ? -1 : 1; });
    if (series.length > SPARK_POINTS) { series.splice(0, series.length - SPARK_POINTS); }
    if (state.shown[v.indicatorId] === v.scope || before !== state.shown[v.indicatorId]) {
      pending.rows[v.indicatorId] = true;
    }
    if (v.scope.indexOf('district:') === 0) { pending.map = true; }
    schedule();
  }

  function connect() {
    var live = document.getElementById('live');
    var source = new EventSource(API + '/stream');
    source.onopen = function () { live.className = 'live on'; };
    source.onerror = function () { live.className = 'live off'; };
    source.addEventListener('indicator', function (e) { onIndicator(JSON.parse(e.data)); });
    source.addEventListener('alert', function (e) {
      var a = JSON.parse(e.data);
      state.alerts[a.alertId] = a;
      pending.alerts = true;
      schedule();
    });
    // After a reconnect the browser sends Last-Event-ID and the server replays what was missed; when it cannot
    // (too long away, or another server instance) it says reload, and the REST API has the complete picture.
    source.addEventListener('reload', function () { location.reload(); });
  }

  // --- language --------------------------------------------------------------------------------

  function applyLanguage() {
    document.documentElement.lang = state.lang;
    document.getElementById('lang').textContent = state.lang === 'pl' ? 'EN' : 'PL';
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (e) { e.textContent = t(e.getAttribute('data-i18n')); });
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n-title]'), function (e) { e.title = t(e.getAttribute('data-i18n-title')); });
  }

  function rerender() {
    applyLanguage();
    renderGoals();
    renderMapSelect();
    renderMap();
    renderAlerts();
  }

  // --- start -----------------------------------------------------------------------------------

  function start() {
    document.getElementById('lang').addEventListener('click', function () {
      state.lang = state.lang === 'pl' ? 'en' : 'pl';
      localStorage.setItem('pulse.lang', state.lang);
      rerender();
    });
    document.getElementById('map-indicator').addEventListener('change', function (e) {
      state.mapIndicator = e.target.value;
      renderMap();
    });
    connect(); // first, so no update is missed between the REST answers and the stream
    applyLanguage();
    getJson(API + '/goals').then(function (body) {
      state.goals = body.goals;
      body.goals.forEach(function (g) { g.indicators.forEach(function (i) { state.indicators[i.id] = i; }); });
      return Promise.all(body.goals.map(function (g) { return getJson(API + '/goals/' + encodeURIComponent(g.id) + '/indicators'); }));
    }).then(function (latestByGoal) {
      latestByGoal.forEach(function (g) {
        g.indicators.forEach(function (i) {
          state.latest[i.id] = state.latest[i.id] || {};
          i.values.forEach(function (v) {
            var cur = state.latest[i.id][v.scope];
            if (!cur || cur.windowStart <= v.windowStart) { state.latest[i.id][v.scope] = v; }
          });
          state.shown[i.id] = chooseScope(i.id);
        });
      });
      rerender();
      document.body.setAttribute('data-loaded', 'true');
      Object.keys(state.shown).forEach(function (id) { loadSpark(id); });
    }).catch(function (e) { document.getElementById('goals').textContent = String(e); });
    getJson(API + '/map/districts.geojson').then(function (geo) { state.geo = geo; renderMap(); document.body.setAttribute('data-map', 'true'); });
    getJson(API + '/alerts?state=all').then(function (body) {
      body.alerts.forEach(function (a) { state.alerts[a.alertId] = a; });
      renderAlerts();
    });
  }

  start();
}());
