// Tunnelstore web console: a small single-page app over /console/api (no framework, no build step).
// Views are picked by the URL hash and re-rendered from fresh data every 2 seconds.
'use strict';

(function () {
  const REFRESH_MS = 2000;
  const API = 'api/';
  const $ = (id) => document.getElementById(id);
  let timer = null;
  let generation = 0;

  // ------------------------------------------------------------------ DOM helpers (never innerHTML with data)

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k.startsWith('data-')) el.setAttribute(k, v);
      else el.setAttribute(k, v === true ? '' : v);
    }
    append(el, children);
    return el;
  }

  function append(el, children) {
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }

  const SVG = 'http://www.w3.org/2000/svg';
  function s(tag, attrs, text) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
    if (text !== undefined) el.textContent = text;
    return el;
  }

  // ------------------------------------------------------------------ formatting

  const nf = new Intl.NumberFormat('en-US');
  function num(v) { return v === null || v === undefined ? '–' : nf.format(v); }
  function duration(ms) {
    if (ms === null || ms === undefined) return '–';
    if (ms === 0) return '0s';
    if (ms < 1000) return ms + ' ms';
    let sec = Math.round(ms / 1000);
    const d = Math.floor(sec / 86400); sec %= 86400;
    const hh = Math.floor(sec / 3600); sec %= 3600;
    const mm = Math.floor(sec / 60); sec %= 60;
    if (d) return d + 'd ' + hh + 'h';
    if (hh) return hh + 'h ' + mm + 'm';
    if (mm) return mm + 'm ' + sec + 's';
    return sec + 's';
  }
  function clock(ms) {
    if (!ms) return '–';
    return new Date(ms).toLocaleTimeString('en-GB', { hour12: false });
  }
  function dateTime(ms) {
    if (!ms) return '–';
    const d = new Date(ms);
    return d.toLocaleDateString('en-CA') + ' ' + d.toLocaleTimeString('en-GB', { hour12: false });
  }
  function pill(text, cls) { return h('span', { class: 'pill s-' + (cls || text), text: text }); }
  function lagCell(records, ms) {
    if (records === null && ms === null) return h('span', { class: 'muted', text: '–' });
    const high = ms !== null && ms > 60000;
    return h('span', { class: high ? 'lag-high' : '' },
      num(records) + ' rec', h('span', { class: 'muted', text: ' · ' }), duration(ms));
  }
  function progress(percent) {
    if (percent === null || percent === undefined) return h('span', { class: 'muted', text: '–' });
    const bar = h('span');
    bar.style.width = Math.max(0, Math.min(100, percent)) + '%';
    return h('span', {}, h('span', { class: 'progress', title: percent + '%' }, bar),
      h('span', { class: 'progress-label', text: percent + '%' }));
  }
  function enc(v) { return encodeURIComponent(v); }

  // ------------------------------------------------------------------ API

  class Unauthorized extends Error {}

  async function api(path) {
    const r = await fetch(API + path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (r.status === 401) throw new Unauthorized('login required');
    const body = await r.json();
    if (!r.ok) throw new Error(body.error || ('HTTP ' + r.status));
    return body;
  }

  // ------------------------------------------------------------------ shell

  function showLogin(message) {
    stopTimer();
    $('view').hidden = true;
    $('who').hidden = true;
    $('footer').hidden = true;
    $('crumbs').replaceChildren();
    $('login').hidden = false;
    const err = $('login-error');
    err.hidden = !message;
    err.textContent = message || '';
    $('accessKeyId').focus();
  }

  function crumbs(items) {
    const out = [];
    items.forEach((item, i) => {
      if (i > 0) out.push(h('span', { class: 'sep', text: '/' }));
      out.push(item.href && i < items.length - 1 ? h('a', { href: item.href, text: item.text })
        : h('span', { class: 'here', text: item.text }));
    });
    $('crumbs').replaceChildren(...out);
  }

  function setLive(ok, text) {
    $('status-dot').className = 'dot' + (ok ? '' : ' stale');
    $('status-text').textContent = text;
  }

  function stopTimer() {
    if (timer) { clearTimeout(timer); timer = null; }
  }

  async function render() {
    stopTimer();
    const mine = ++generation;
    try {
      const session = await api('session');
      $('login').hidden = true;
      $('who').hidden = false;
      $('footer').hidden = false;
      $('who-key').textContent = session.accessKeyId;
      const view = await route(session);
      if (mine !== generation) return;
      $('view').replaceChildren(...view);
      $('view').hidden = false;
      setLive(true, 'Live · updated ' + clock(Date.now()));
    } catch (e) {
      if (mine !== generation) return;
      if (e instanceof Unauthorized) { showLogin(''); return; }
      setLive(false, 'Update failed: ' + e.message);
      if ($('view').hidden) {
        $('view').replaceChildren(h('div', { class: 'card' }, h('p', { class: 'form-error', text: e.message })));
        $('view').hidden = false;
      }
    }
    if (mine === generation) timer = setTimeout(render, REFRESH_MS);
  }

  function route(session) {
    const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'i' && parts.length === 2) return instanceView(parts[1]);
    if (parts[0] === 'i' && parts[2] === 'clients') return clientsView(parts[1]);
    if (parts[0] === 'i' && parts[2] === 'tunnels' && parts[3] && parts[4] === 'checkpoints') {
      return checkpointsView(parts[1], parts[3]);
    }
    if (parts[0] === 'i' && parts[2] === 'tunnels' && parts[3]) return tunnelView(parts[1], parts[3]);
    if (session.instances.length === 1 && parts.length === 0) {
      location.replace('#/i/' + enc(session.instances[0]));
      return instanceView(session.instances[0]);
    }
    return instancesView();
  }

  // ------------------------------------------------------------------ views

  async function instancesView() {
    crumbs([{ text: 'Instances' }]);
    const data = await api('instances');
    return [
      h('div', { class: 'page-head' }, h('div', {}, h('h1', { text: 'Instances' }),
        h('div', { class: 'sub', text: 'Instances your access key is valid in.' }))),
      h('div', { class: 'instances' }, data.instances.map((i) =>
        h('a', { class: 'card instance-card', href: '#/i/' + enc(i.name), 'data-instance': i.name },
          h('h2', { text: i.name }),
          h('div', { class: 'stats' },
            h('div', {}, h('strong', { text: num(i.tables) }), h('span', { class: 'muted', text: 'tables' })),
            h('div', {}, h('strong', { text: num(i.tunnels) }), h('span', { class: 'muted', text: 'tunnels' })),
            h('div', {}, h('strong', { text: num(i.clients) }), h('span', { class: 'muted', text: 'clients' })))))),
    ];
  }

  async function instanceView(instance) {
    crumbs([{ text: 'Instances', href: '#/' }, { text: instance }]);
    const base = 'instances/' + enc(instance);
    const [tables, tunnels] = await Promise.all([api(base + '/tables'), api(base + '/tunnels')]);
    const totalLag = tunnels.tunnels.reduce((a, t) => a + (t.lagRecords || 0), 0);
    const clients = tunnels.tunnels.reduce((a, t) => a + t.clients, 0);
    return [
      h('div', { class: 'page-head' },
        h('div', {}, h('h1', { text: instance }), h('div', { class: 'sub', text: 'Tables and their tunnels' })),
        h('a', { href: '#/i/' + enc(instance) + '/clients', text: 'Connected clients →' })),
      h('div', { class: 'tiles' },
        tile('Tables', num(tables.tables.length)),
        tile('Tunnels', num(tunnels.tunnels.length)),
        tile('Connected clients', num(clients)),
        tile('Records behind', num(totalLag), 'over all stream channels')),
      h('div', { class: 'card section' },
        h('h2', {}, 'Tunnels', h('span', { class: 'count', text: String(tunnels.tunnels.length) })),
        tunnelsTable(instance, tunnels.tunnels)),
      h('div', { class: 'card section' },
        h('h2', {}, 'Tables', h('span', { class: 'count', text: String(tables.tables.length) })),
        tablesTable(tables.tables)),
    ];
  }

  function tile(label, value, hint) {
    return h('div', { class: 'tile' }, h('div', { class: 'label', text: label }),
      h('div', { class: 'value', text: value }), hint ? h('div', { class: 'hint', text: hint }) : null);
  }

  function tablesTable(tables) {
    if (!tables.length) return h('div', { class: 'empty', text: 'No tables yet.' });
    return h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, ['Table', 'Primary key', 'Stream', 'Partitions', 'TTL', 'Versions', 'Tunnels']
        .map((c, i) => h('th', { class: i >= 3 ? 'num' : '', text: c })))),
      h('tbody', {}, tables.map((t) => h('tr', { 'data-table': t.name },
        h('td', {}, h('strong', { text: t.name })),
        h('td', { class: 'mono' }, t.primaryKey.map((c) => c.name + ' ' + c.type.toLowerCase()
          + (c.autoIncrement ? ' auto' : '')).join(', ')),
        h('td', {}, t.stream.enabled ? pill('enabled · ' + t.stream.expirationHours + ' h', 'ok')
          : pill('off', 'WAIT')),
        h('td', { class: 'num', text: num(t.partitions) }),
        h('td', { class: 'num', text: t.timeToLiveSeconds < 0 ? 'forever' : duration(t.timeToLiveSeconds * 1000) }),
        h('td', { class: 'num', text: num(t.maxVersions) }),
        h('td', { class: 'num', text: num(t.tunnels) })))));
  }

  function channelSummary(byStatus) {
    const entries = Object.entries(byStatus);
    if (!entries.length) return h('span', { class: 'muted', text: 'none yet' });
    return h('span', {}, entries.map(([st, n]) => pill(n + ' ' + st, st)));
  }

  function tunnelsTable(instance, tunnels) {
    if (!tunnels.length) return h('div', { class: 'empty', text: 'No tunnels yet.' });
    return h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, ['Tunnel', 'Table', 'Type', 'Stage', 'Channels', 'Base data', 'Consumed', 'Lag']
        .map((c, i) => h('th', { class: i >= 6 ? 'num' : '', text: c })))),
      h('tbody', {}, tunnels.map((t) => h('tr', { 'data-tunnel-id': t.tunnelId },
        h('td', {}, h('a', { href: '#/i/' + enc(instance) + '/tunnels/' + enc(t.tunnelId), text: t.tunnelName })),
        h('td', { text: t.tableName }),
        h('td', { class: 'type', text: t.type }),
        h('td', {}, pill(t.stage), t.expired ? pill('expired', 'expired') : null),
        h('td', {}, channelSummary(t.channelsByStatus)),
        h('td', {}, progress(t.baseProgressPercent)),
        h('td', { class: 'num', text: num(t.consumed) }),
        h('td', { class: 'num' }, lagCell(t.lagRecords, t.lagMillis))))));
  }

  async function tunnelView(instance, tunnelId) {
    const base = 'instances/' + enc(instance) + '/tunnels/' + enc(tunnelId);
    const [t, hist] = await Promise.all([api(base), api(base + '/history')]);
    crumbs([{ text: 'Instances', href: '#/' }, { text: instance, href: '#/i/' + enc(instance) },
      { text: t.tunnelName }]);
    const points = hist.points;
    return [
      h('div', { class: 'page-head' },
        h('div', {},
          h('h1', {}, t.tunnelName + ' ', h('span', { class: 'pill s-' + t.stage, 'data-testid': 'tunnel-stage',
            text: t.stage }), t.expired ? pill('expired', 'expired') : null),
          h('div', { class: 'sub' }, t.type + ' tunnel on table ', h('strong', { text: t.tableName }),
            ' · id ', h('code', { text: t.tunnelId }))),
        h('dl', { class: 'kv' },
          h('dt', { text: 'Created' }), h('dd', { text: dateTime(t.createTime) }),
          h('dt', { text: 'Consume point (RPO)' }), h('dd', { text: dateTime(t.rpo) }),
          h('dt', { text: 'Checkpoints' }), h('dd', {}, h('a', { id: 'checkpoints-link',
            href: '#/i/' + enc(instance) + '/tunnels/' + enc(tunnelId) + '/checkpoints', text: 'show and change →' })))),
      h('div', { class: 'tiles' },
        tile('Channels', num(t.channelCount), Object.entries(t.channelsByStatus).map(([k, v]) => v + ' ' + k)
          .join(' · ') || 'none yet'),
        tile('Base data', t.baseProgressPercent === null ? '–' : t.baseProgressPercent + '%',
          t.baseProgressPercent === null ? 'no base-data channels' : 'of base channels finished'),
        tile('Consumed', num(t.consumed), 'records checkpointed'),
        tile('Records behind', num(t.lagRecords), 'after the checkpoints'),
        tile('Time behind', duration(t.lagMillis), 'oldest unconsumed change'),
        tile('Until data loss', t.dataLossInMillis === null ? '–' : duration(t.dataLossInMillis),
          t.dataLossInMillis === null ? 'nothing pending' : 'before changes leave the stream'),
        tile('Forecast loss', t.forecastLossInMillis === null ? '–' : duration(t.forecastLossInMillis),
          t.forecastLossInMillis === null ? 'lag not rising' : 'at the current lag trend'),
        tile('Re-baselines', num(t.rebaselines), num(t.dataLosses) + ' data loss(es)'),
        tile('Clients', num(t.clients), 'connected')),
      h('div', { class: 'charts section' },
        chart('Throughput (records/s)', [
          { name: 'consumed', color: '#0f766e', points: points.map((p) => [p.t, p.consumedPerSecond]) },
          { name: 'written to the table', color: '#6366f1', points: points.map((p) => [p.t, p.writesPerSecond]) },
        ]),
        chart('Records behind', [
          { name: 'records', color: '#d97706', points: points.map((p) => [p.t, p.lagRecords]) },
        ]),
        chart('Time behind (seconds)', [
          { name: 'seconds', color: '#dc2626', points: points.map((p) => [p.t,
            p.lagMillis === null ? null : p.lagMillis / 1000]) },
        ])),
      h('div', { class: 'card section' },
        h('h2', {}, 'Channels', h('span', { class: 'count', text: String(t.channels.length) })),
        channelsTable(t.channels)),
      h('div', { class: 'card section' },
        h('h2', {}, 'History', h('span', { class: 'count', text: String((t.history || []).length) })),
        historyTable(t.history || [])),
    ];
  }

  function historyTable(events) {
    if (!events.length) {
      return h('div', { class: 'empty', text: 'No re-baseline, data loss or checkpoint change so far.' });
    }
    return h('table', { class: 'grid', id: 'history' },
      h('thead', {}, h('tr', {}, ['Time', 'Event', 'Channel', 'By', 'Detail'].map((c) => h('th', { text: c })))),
      h('tbody', {}, events.map((e) => h('tr', { 'data-kind': e.kind },
        h('td', { text: dateTime(e.at) }),
        h('td', {}, h('span', { class: 'pill s-' + e.kind, text: e.kind })),
        h('td', { class: 'mono', text: e.channelId || '–' }),
        h('td', { text: e.actor || '–' }),
        h('td', { text: e.detail })))));
  }

  function channelsTable(channels) {
    if (!channels.length) {
      return h('div', { class: 'empty', text: 'No channels yet (the tunnel is being initialised).' });
    }
    return h('table', { class: 'grid', id: 'channels' },
      h('thead', {}, h('tr', {}, ['Channel', 'Type', 'Status', 'Owner client', 'RPO', 'Consumed', 'Lag']
        .map((c, i) => h('th', { class: i >= 5 ? 'num' : '', text: c })))),
      h('tbody', {}, channels.map((c) => h('tr', { 'data-channel-id': c.channelId },
        h('td', { class: 'mono channel-id', text: c.channelId }),
        h('td', { class: 'type', text: c.type }),
        h('td', {}, h('span', { class: 'pill channel-status s-' + c.status, text: c.status })),
        h('td', { class: 'mono', text: c.owner || '–' }),
        h('td', { text: clock(c.rpo) }),
        h('td', { class: 'num', text: num(c.consumed) }),
        h('td', { class: 'num' }, lagCell(c.lagRecords, c.lagMillis))))));
  }

  // ------------------------------------------------------------------ checkpoint control

  // The action panel keeps its inputs and preview across the 2 s refresh: it is built once per tunnel and re-used.
  let checkpointPanel = null;
  const AUDIT_KINDS = ['CHECKPOINT_SET', 'CHECKPOINT_REWIND', 'CHECKPOINT_RESET', 'CHECKPOINT_IMPORT',
    'FORKED_TO', 'FORKED_FROM'];

  async function post(path, fields) {
    const r = await fetch(API + path, { method: 'POST', credentials: 'same-origin',
      headers: { Accept: 'application/json' }, body: new URLSearchParams(fields) });
    if (r.status === 401) throw new Unauthorized('login required');
    const body = await r.json();
    if (!r.ok) throw new Error((body.code ? body.code + ': ' : '') + (body.error || ('HTTP ' + r.status)));
    return body;
  }

  // "2026-12-06 18:30:00" (local time, seconds optional) or milliseconds since the epoch → ms; NaN if neither
  function parseTime(text) {
    const v = (text || '').trim();
    if (/^\d+$/.test(v)) return Number(v);
    return new Date(v.replace(' ', 'T')).getTime();
  }

  function position(c) {
    if (!c) return '–';
    if (c.finished) return 'finished';
    if (c.nextSequence !== null) {
      return 'seq ' + num(c.nextSequence) + (c.nextChangeTime ? ' (' + dateTime(c.nextChangeTime) + ')' : ' (caught up)');
    }
    return 'token ' + c.token.slice(0, 12) + '…';
  }

  async function checkpointsView(instance, tunnelId) {
    const base = 'instances/' + enc(instance) + '/tunnels/' + enc(tunnelId);
    const c = await api(base + '/checkpoints');
    crumbs([{ text: 'Instances', href: '#/' }, { text: instance, href: '#/i/' + enc(instance) },
      { text: c.tunnelName, href: '#/i/' + enc(instance) + '/tunnels/' + enc(tunnelId) }, { text: 'Checkpoints' }]);
    const key = instance + '/' + tunnelId + '/' + c.canManage;
    if (!checkpointPanel || checkpointPanel.key !== key) {
      checkpointPanel = actionPanel(base, c);
      checkpointPanel.key = key;
    }
    checkpointPanel.update(c);
    const audit = (c.history || []).filter((e) => AUDIT_KINDS.includes(e.kind));
    return [
      h('div', { class: 'page-head' },
        h('div', {}, h('h1', {}, 'Checkpoints of ' + c.tunnelName + ' ', pill(c.stage)),
          h('div', { class: 'sub' }, c.type + ' tunnel on table ', h('strong', { text: c.tableName }),
            ' · retention from ', h('span', { id: 'retention-start', text: dateTime(c.retentionStart) }))),
        h('a', { href: '#/i/' + enc(instance) + '/tunnels/' + enc(tunnelId), text: '← tunnel' })),
      h('div', { class: 'card section' },
        h('h2', {}, 'Channel checkpoints', h('span', { class: 'count', text: String(c.channels.length) })),
        checkpointsTable(c.channels)),
      checkpointPanel.node,
      h('div', { class: 'card section' },
        h('h2', {}, 'Audit trail', h('span', { class: 'count', text: String(audit.length) })),
        audit.length ? historyTable(audit) : h('div', { class: 'empty', id: 'audit-empty',
          text: 'No checkpoint change or fork so far.' })),
    ];
  }

  function checkpointsTable(channels) {
    if (!channels.length) return h('div', { class: 'empty', text: 'No channels yet.' });
    return h('table', { class: 'grid', id: 'checkpoints' },
      h('thead', {}, h('tr', {}, ['Channel', 'Type', 'Status', 'Owner', 'Version', 'Seq', 'Position',
        'Consumed', 'Last checkpoint'].map((x, i) => h('th', { class: i === 4 || i === 5 || i === 7 ? 'num' : '',
        text: x })))),
      h('tbody', {}, channels.map((ch) => h('tr', { 'data-channel-id': ch.channelId },
        h('td', { class: 'mono channel-id', text: ch.channelId }),
        h('td', { class: 'type', text: ch.type }),
        h('td', {}, h('span', { class: 'pill channel-status s-' + ch.status, text: ch.status })),
        h('td', { class: 'mono', text: ch.owner || '–' }),
        h('td', { class: 'num', text: num(ch.version) }),
        h('td', { class: 'num', text: num(ch.sequenceNumber) }),
        h('td', { class: 'position', title: ch.token, text: position(ch) }),
        h('td', { class: 'num', text: num(ch.consumed) }),
        h('td', { text: dateTime(ch.lastCheckpointTime) })))));
  }

  // Every change is previewed first (dry run); "Apply" sends exactly the previewed request, and is disabled again
  // as soon as an input changes.
  function actionPanel(base, first) {
    const panel = { key: null, node: null, update: () => {} };
    if (!first.canManage) {
      panel.node = h('div', { class: 'card section', id: 'checkpoint-actions' },
        h('h2', { text: 'Change checkpoints' }),
        h('p', { class: 'muted', id: 'read-only-note',
          text: 'Your access key may look at these checkpoints but not change them (it needs the tunnel '
            + 'management right on this table).' }),
        exportBox(base));
      return panel;
    }
    const action = h('select', { id: 'ckpt-action' },
      [['set', 'Set one channel'], ['rewind', 'Rewind to a time'], ['reset', 'Reset to now'],
        ['fork', 'Fork into a new tunnel'], ['import', 'Import from JSON']]
        .map(([v, label]) => h('option', { value: v, text: label })));
    const channel = h('select', { id: 'ckpt-channel' });
    const mode = h('select', { id: 'ckpt-mode' },
      [['nextSequence', 'change-log sequence'], ['timeMs', 'time'], ['token', 'token']]
        .map(([v, label]) => h('option', { value: v, text: label })));
    const value = h('input', { id: 'ckpt-value', spellcheck: 'false', placeholder: 'value' });
    const time = h('input', { id: 'ckpt-time', spellcheck: 'false',
      placeholder: 'YYYY-MM-DD HH:MM:SS (local) or ms since epoch' });
    const forkTime = h('input', { id: 'ckpt-fork-time', spellcheck: 'false',
      placeholder: 'YYYY-MM-DD HH:MM:SS (local) or ms since epoch' });
    const newName = h('input', { id: 'ckpt-new-name', spellcheck: 'false', placeholder: 'new tunnel name' });
    const json = h('textarea', { id: 'ckpt-json', rows: '6', spellcheck: 'false',
      placeholder: 'the JSON of an export' });
    const fields = {
      set: h('div', { class: 'ckpt-fields' }, label('Channel', channel), label('Move to', mode), label('Value', value)),
      rewind: h('div', { class: 'ckpt-fields' }, label('First change at or after', time)),
      reset: h('div', { class: 'ckpt-fields' }, h('span', { class: 'muted',
        text: 'Every stream channel moves to the latest position: only changes from now on are delivered.' })),
      fork: h('div', { class: 'ckpt-fields' }, label('New tunnel', newName),
        label('From time (optional)', forkTime),
        h('span', { class: 'muted', text: 'Empty: starts from this tunnel\'s current checkpoints.' })),
      import: h('div', { class: 'ckpt-fields' }, label('Checkpoints JSON', json)),
    };
    const fieldBox = h('div', {});
    const preview = h('div', { id: 'ckpt-preview', class: 'ckpt-preview' });
    const message = h('p', { id: 'ckpt-message', role: 'status' });
    const previewButton = h('button', { type: 'button', class: 'primary', id: 'ckpt-preview-button',
      text: 'Preview (dry run)' });
    const applyButton = h('button', { type: 'button', class: 'danger', id: 'ckpt-apply-button', disabled: true,
      text: 'Apply' });
    let previewed = null;

    function showFields() { fieldBox.replaceChildren(fields[action.value]); invalidate(); }
    function invalidate() { previewed = null; applyButton.disabled = true; }
    function request() {
      const a = action.value;
      if (a === 'set') {
        const v = mode.value === 'timeMs' ? parseTime(value.value) : value.value.trim();
        if (mode.value === 'timeMs' && Number.isNaN(v)) throw new Error('Not a time: ' + value.value);
        return { action: a, fields: { channelId: channel.value, [mode.value]: String(v) } };
      }
      if (a === 'rewind') {
        const t = parseTime(time.value);
        if (Number.isNaN(t)) throw new Error('Not a time: ' + time.value);
        return { action: a, fields: { timeMs: String(t) } };
      }
      if (a === 'fork') {
        const f = { newTunnelName: newName.value.trim() };
        if (forkTime.value.trim()) {
          const t = parseTime(forkTime.value);
          if (Number.isNaN(t)) throw new Error('Not a time: ' + forkTime.value);
          f.timeMs = String(t);
        }
        return { action: a, fields: f };
      }
      if (a === 'import') return { action: a, fields: { json: json.value } };
      return { action: a, fields: {} };
    }
    async function send(dryRun) {
      message.className = '';
      message.textContent = dryRun ? 'Previewing…' : 'Applying…';
      try {
        const q = dryRun ? request() : previewed;
        const r = await post(base + '/checkpoints/' + q.action, Object.assign({ dryRun: String(dryRun) }, q.fields));
        if (dryRun) {
          previewed = q;
          applyButton.disabled = false;
          preview.replaceChildren(changeTable(r));
          message.textContent = 'Dry run: nothing changed yet. ' + r.changes.length + ' channel(s) would change'
            + (r.skipped.length ? ', ' + r.skipped.length + ' left alone.' : '.');
        } else {
          invalidate();
          preview.replaceChildren(changeTable(r));
          message.textContent = 'Applied: ' + r.changes.length + ' channel(s) changed'
            + (q.action === 'fork' ? '; new tunnel ' + r.tunnelName + ' (' + r.tunnelId + ')' : '')
            + '. Connected workers were fenced and continue from the new position.';
          render();
        }
      } catch (e) {
        if (e instanceof Unauthorized) { showLogin(''); return; }
        message.className = 'form-error';
        message.textContent = e.message;
        if (dryRun) invalidate();
      }
    }
    action.addEventListener('change', showFields);
    for (const el of [channel, mode, value, time, newName, json, forkTime]) {
      el.addEventListener('input', invalidate);
      el.addEventListener('change', invalidate);
    }
    previewButton.addEventListener('click', () => send(true));
    applyButton.addEventListener('click', () => { if (previewed) send(false); });
    showFields();

    panel.node = h('div', { class: 'card section', id: 'checkpoint-actions' },
      h('h2', { text: 'Change checkpoints' }),
      h('div', { class: 'ckpt-form' }, label('Action', action), fieldBox),
      h('div', { class: 'ckpt-buttons' }, previewButton, applyButton),
      message, preview, exportBox(base));
    panel.update = (c) => {
      const ids = c.channels.filter((ch) => ch.status !== 'TERMINATED').map((ch) => ch.channelId);
      const current = Array.from(channel.options).map((o) => o.value);
      if (ids.join() !== current.join()) {
        const keep = channel.value;
        channel.replaceChildren(...ids.map((id) => h('option', { value: id, text: id })));
        if (ids.includes(keep)) channel.value = keep;
      }
    };
    return panel;
  }

  function label(text, input) {
    return h('label', { class: 'ckpt-label' }, h('span', { text: text }), input);
  }

  function changeTable(r) {
    const rows = r.changes.map((c) => h('tr', { 'data-channel-id': c.channelId },
      h('td', { class: 'mono', text: c.channelId }),
      h('td', { class: 'before', text: position(c.before) }),
      h('td', { class: 'after', text: position(c.after) }),
      h('td', { class: 'num', text: c.before ? num(c.before.sequenceNumber) + ' → ' + num(c.after.sequenceNumber)
        : num(c.after.sequenceNumber) })));
    return h('div', {},
      h('table', { class: 'grid', id: 'ckpt-changes' },
        h('thead', {}, h('tr', {}, ['Channel', 'Before', 'After', 'Seq'].map((x, i) =>
          h('th', { class: i === 3 ? 'num' : '', text: x })))),
        h('tbody', {}, rows.length ? rows : [h('tr', {}, h('td', { colspan: '4', class: 'muted',
          text: 'No channel changes.' }))])),
      r.skipped.length ? h('ul', { class: 'muted', id: 'ckpt-skipped' },
        r.skipped.map((x) => h('li', { text: x }))) : null);
  }

  function exportBox(base) {
    const out = h('textarea', { id: 'ckpt-export', rows: '6', readonly: true, hidden: true });
    const button = h('button', { type: 'button', class: 'link-button dark', id: 'ckpt-export-button',
      text: 'Export as JSON' });
    button.addEventListener('click', async () => {
      try {
        out.value = (await api(base + '/checkpoints/export')).json;
      } catch (e) {
        out.value = 'Export failed: ' + e.message;
      }
      out.hidden = false;
    });
    return h('div', { class: 'ckpt-export' }, button, out);
  }

  async function clientsView(instance) {
    crumbs([{ text: 'Instances', href: '#/' }, { text: instance, href: '#/i/' + enc(instance) },
      { text: 'Clients' }]);
    const data = await api('instances/' + enc(instance) + '/clients');
    const body = data.clients.length === 0
      ? h('div', { class: 'empty', text: 'No client is connected right now.' })
      : h('table', { class: 'grid' },
        h('thead', {}, h('tr', {}, ['Client', 'Tag', 'Last heartbeat', 'Tunnel', 'Table', 'Channels']
          .map((c) => h('th', { text: c })))),
        h('tbody', {}, data.clients.map((c) => h('tr', { 'data-client-id': c.clientId },
          h('td', { class: 'mono', text: c.clientId }),
          h('td', { text: c.clientTag || '–' }),
          h('td', { text: clock(c.lastHeartbeat) }),
          h('td', {}, h('a', { href: '#/i/' + enc(instance) + '/tunnels/' + enc(c.tunnelId), text: c.tunnelName })),
          h('td', { text: c.tableName }),
          h('td', { class: 'mono', text: c.channels.length ? c.channels.join(', ') : 'none' })))));
    return [
      h('div', { class: 'page-head' }, h('div', {}, h('h1', { text: 'Connected clients' }),
        h('div', { class: 'sub', text: 'Tunnel workers connected in ' + instance }))),
      h('div', { class: 'card' }, body),
    ];
  }

  // ------------------------------------------------------------------ charts (inline SVG)

  function chart(title, series) {
    const W = 460, H = 170, L = 44, R = 10, T = 10, B = 24;
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title });
    const all = series.flatMap((se) => se.points.filter((p) => p[1] !== null && p[1] !== undefined));
    const ts = series.flatMap((se) => se.points.map((p) => p[0]));
    svg.appendChild(s('line', { class: 'axis', x1: L, y1: H - B, x2: W - R, y2: H - B }));
    if (all.length === 0 || ts.length === 0) {
      svg.appendChild(s('text', { class: 'nodata', x: W / 2, y: H / 2, 'text-anchor': 'middle' },
        'Collecting samples…'));
    } else {
      const t0 = Math.min(...ts), t1 = Math.max(...ts, t0 + 1);
      const vmax = niceMax(Math.max(...all.map((p) => p[1]), 0));
      const x = (t) => L + (W - L - R) * (t - t0) / (t1 - t0);
      const y = (v) => H - B - (H - B - T) * v / vmax;
      for (let i = 0; i <= 4; i++) {
        const v = vmax * i / 4;
        svg.appendChild(s('line', { class: 'gridline', x1: L, y1: y(v), x2: W - R, y2: y(v) }));
        svg.appendChild(s('text', { class: 'tick', x: L - 6, y: y(v) + 3, 'text-anchor': 'end' }, short(v)));
      }
      svg.appendChild(s('text', { class: 'tick', x: L, y: H - 6 }, clock(t0)));
      svg.appendChild(s('text', { class: 'tick', x: W - R, y: H - 6, 'text-anchor': 'end' }, clock(t1)));
      for (const se of series) {
        let d = '';
        let pen = false;
        for (const [t, v] of se.points) {
          if (v === null || v === undefined) { pen = false; continue; }
          d += (pen ? 'L' : 'M') + x(t).toFixed(1) + ' ' + y(v).toFixed(1) + ' ';
          pen = true;
        }
        if (d) {
          svg.appendChild(s('path', { d: d.trim(), fill: 'none', stroke: se.color, 'stroke-width': 2,
            'stroke-linejoin': 'round', 'stroke-linecap': 'round' }));
        }
      }
    }
    const legend = h('div', { class: 'legend' }, series.map((se) => {
      const swatch = h('i');
      swatch.style.background = se.color;
      return h('span', {}, swatch, se.name);
    }));
    return h('div', { class: 'card chart' }, h('h3', { text: title }), svg, legend);
  }

  function niceMax(v) {
    if (v <= 0) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 4, 6, 8, 10]) if (v <= m * p) return m * p;
    return 10 * p;
  }

  function short(v) {
    if (v >= 1e6) return (v / 1e6).toFixed(1).replace(/\.0$/, '') + 'M';
    if (v >= 1e3) return (v / 1e3).toFixed(1).replace(/\.0$/, '') + 'k';
    return Number.isInteger(v) ? String(v) : v.toFixed(1);
  }

  // ------------------------------------------------------------------ wiring

  $('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const form = new URLSearchParams(new FormData($('login-form')));
    $('login-submit').disabled = true;
    try {
      const r = await fetch(API + 'login', { method: 'POST', credentials: 'same-origin', body: form });
      if (!r.ok) {
        const body = await r.json().catch(() => ({}));
        showLogin(body.error || ('Login failed (HTTP ' + r.status + ')'));
        return;
      }
      $('accessKeySecret').value = '';
      render();
    } catch (e) {
      showLogin('Cannot reach the server: ' + e.message);
    } finally {
      $('login-submit').disabled = false;
    }
  });

  $('logout').addEventListener('click', async () => {
    await fetch(API + 'logout', { method: 'POST', credentials: 'same-origin' }).catch(() => null);
    location.hash = '#/';
    showLogin('');
  });

  window.addEventListener('hashchange', render);
  render();
})();
