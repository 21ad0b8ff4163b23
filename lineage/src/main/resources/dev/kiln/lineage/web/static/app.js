// Kiln lineage viewer: a single page over the JSON API under /api.
// Every text that comes from the store is put in the page with textContent or createTextNode,
// never parsed as HTML, so a log line "<script>" is shown, not run.
'use strict';

const SVG_NS = 'http://www.w3.org/2000/svg';
const NODE_W = 170;
const NODE_H = 42;
const GAP_X = 160;
const GAP_Y = 18;
const POLL_MS = 2000;

let pollTimer = null;
let logTimer = null;
// The node panel's event stream of a live execution (logs and metadata as they are stored).
let nodeEvents = null;

function stopNodeEvents() {
  if (nodeEvents) nodeEvents.close();
  nodeEvents = null;
}
let runEvents = null;
let charts = [];

// ------------------------------------------------------------------ DOM helpers

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  setAttrs(e, attrs);
  append(e, children);
  return e;
}

function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVG_NS, tag);
  setAttrs(e, attrs);
  append(e, children);
  return e;
}

function setAttrs(e, attrs) {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'onclick' || k === 'onchange' || k === 'oninput') {
      e.addEventListener(k.substring(2), v);
    } else if (k === 'text') {
      e.textContent = String(v);
    } else {
      e.setAttribute(k, String(v));
    }
  }
}

function append(e, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

function clear(e) {
  while (e.firstChild) e.removeChild(e.firstChild);
}

function badge(status) {
  return el('span', { class: 'badge s-' + status, text: status });
}

function fmtTime(iso) {
  return iso ? new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
}

function fmtDuration(from, to) {
  if (!from) return '';
  const ms = (to ? Date.parse(to) : Date.now()) - Date.parse(from);
  if (ms < 1000) return ms + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  return Math.floor(ms / 60000) + ' min ' + Math.round((ms % 60000) / 1000) + ' s';
}

function fmtSize(n) {
  if (n === null || n === undefined) return '';
  if (n < 1024) return n + ' B';
  if (n < 1048576) return (n / 1024).toFixed(1) + ' KiB';
  return (n / 1048576).toFixed(1) + ' MiB';
}

function showError(message) {
  const box = document.getElementById('error');
  box.textContent = message;
  box.hidden = !message;
}

async function api(path, options) {
  const r = await fetch(path, options);
  const type = r.headers.get('Content-Type') || '';
  const body = type.startsWith('application/json') ? await r.json() : await r.text();
  if (!r.ok) {
    throw new Error((body && body.error) || ('HTTP ' + r.status + ' for ' + path));
  }
  return body;
}

function enc(s) {
  return encodeURIComponent(s);
}

function outputUrl(executionId, path) {
  return '/api/executions/' + enc(executionId) + '/outputs/' + path.split('/').map(enc).join('/');
}

function shaOf(datumId) {
  return datumId ? datumId.replace(/^datum:\/\//, '') : '';
}

function stopTimers() {
  if (pollTimer) clearTimeout(pollTimer);
  if (logTimer) clearTimeout(logTimer);
  pollTimer = null;
  logTimer = null;
  if (runEvents) runEvents.close();
  runEvents = null;
  stopNodeEvents();
  for (const c of charts) c.destroy();
  charts = [];
}

// ------------------------------------------------------------------ routing

function parseHash() {
  const h = location.hash.replace(/^#/, '') || '/';
  const [path, query] = h.split('?');
  const parts = path.split('/').filter(p => p).map(decodeURIComponent);
  return { parts, query: new URLSearchParams(query || '') };
}

// The run page on screen, so that opening another node of it only swaps the panel.
let current = null;

async function route() {
  showError('');
  const { parts, query } = parseHash();
  if (parts[0] === 'run' && parts[2] !== 'tuning' && current && current.runId === parts[1] && document.getElementById('graph')) {
    try {
      await selectNode(parts[2] === 'node' ? parts[3] : null);
    } catch (e) {
      showError(e.message);
    }
    return;
  }
  current = null;
  stopTimers();
  const main = document.getElementById('main');
  try {
    if (parts[0] === 'run' && parts[1] && parts[2] === 'tuning' && parts[3]) {
      await tuningPage(main, parts[1], parts[3]);
    } else if (parts[0] === 'run' && parts[1]) {
      await runPage(main, parts[1], parts[2] === 'node' ? parts[3] : null);
    } else if (parts[0] === 'artifact' && parts[1]) {
      await artifactPage(main, parts[1], query);
    } else if (parts[0] === 'compare' && parts[1]) {
      await comparePage(main, parts[1].split(','), query);
    } else {
      await runsPage(main, query);
    }
  } catch (e) {
    showError(e.message);
  }
}

// ------------------------------------------------------------------ runs list

async function runsPage(main, query) {
  const limit = 25;
  const offset = parseInt(query.get('offset') || '0', 10) || 0;
  const pipeline = query.get('pipeline') || '';
  const status = query.get('status') || '';
  const q = new URLSearchParams({ offset, limit });
  if (pipeline) q.set('pipeline', pipeline);
  if (status) q.set('status', status);
  const page = await api('/api/runs?' + q);

  const pipelineInput = el('input', { id: 'filter-pipeline', placeholder: 'pipeline' });
  pipelineInput.value = pipeline;
  const statusSelect = el('select', { id: 'filter-status' },
    ['', 'CREATED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'STOPPED'].map(s => {
      const o = el('option', { value: s, text: s || 'any status' });
      if (s === status) o.selected = true;
      return o;
    }));
  const go = () => {
    const n = new URLSearchParams();
    if (pipelineInput.value.trim()) n.set('pipeline', pipelineInput.value.trim());
    if (statusSelect.value) n.set('status', statusSelect.value);
    location.hash = '#/?' + n;
  };
  const form = el('form', { class: 'filters' }, pipelineInput, statusSelect,
    el('button', { type: 'submit', text: 'Filter' }));
  form.addEventListener('submit', ev => { ev.preventDefault(); go(); });

  const rows = page.items.map(r => el('tr', { class: 'run-row' },
    el('td', null, badge(r.status)),
    el('td', null, el('a', { href: '#/run/' + enc(r.id), class: 'run-link', text: r.pipeline })),
    el('td', { class: 'muted', text: r.id }),
    el('td', { text: r.commit && r.commit.sha ? r.commit.sha.substring(0, 10) + (r.commit.dirty ? ' (dirty)' : '') : '' }),
    el('td', { text: fmtTime(r.startedAt || r.createdAt) }),
    el('td', { class: 'num', text: fmtDuration(r.startedAt, r.finishedAt) })));

  const pager = el('div', { class: 'pager' });
  const nav = (o) => {
    const n = new URLSearchParams(query);
    n.set('offset', o);
    return '#/?' + n;
  };
  if (offset > 0) pager.appendChild(el('a', { href: nav(Math.max(0, offset - limit)), text: '← newer' }));
  pager.appendChild(el('span', { class: 'muted',
    text: page.total === 0 ? 'no runs' : (offset + 1) + '–' + (offset + page.items.length) + ' of ' + page.total }));
  if (page.hasMore) pager.appendChild(el('a', { href: nav(offset + limit), text: 'older →' }));

  clear(main);
  append(main, [
    el('h2', { text: 'Runs' }), form,
    el('table', { id: 'runs' },
      el('thead', null, el('tr', null, ['status', 'pipeline', 'run', 'commit', 'started', 'duration'].map(h => el('th', { text: h })))),
      el('tbody', null, rows)),
    pager]);
}

// ------------------------------------------------------------------ DAG layout

// Layers by longest path from the sources (left to right), order in a layer by the mean
// position of the predecessors (two sweeps), which keeps most edges short and uncrossed.
function layout(ids, edges) {
  const preds = new Map(ids.map(id => [id, []]));
  const succs = new Map(ids.map(id => [id, []]));
  for (const e of edges) {
    if (preds.has(e.to) && succs.has(e.from)) {
      preds.get(e.to).push(e.from);
      succs.get(e.from).push(e.to);
    }
  }
  const indeg = new Map(ids.map(id => [id, preds.get(id).length]));
  const layer = new Map(ids.map(id => [id, 0]));
  const queue = ids.filter(id => indeg.get(id) === 0);
  let seen = 0;
  while (queue.length) {
    const id = queue.shift();
    seen++;
    for (const s of succs.get(id)) {
      layer.set(s, Math.max(layer.get(s), layer.get(id) + 1));
      indeg.set(s, indeg.get(s) - 1);
      if (indeg.get(s) === 0) queue.push(s);
    }
  }
  const layers = [];
  for (const id of ids) {
    const l = layer.get(id);
    (layers[l] = layers[l] || []).push(id);
  }
  const pos = new Map();
  layers.forEach(ls => ls.forEach((id, i) => pos.set(id, i)));
  for (let sweep = 0; sweep < 2; sweep++) {
    for (let l = 1; l < layers.length; l++) {
      const bary = new Map(layers[l].map(id => {
        const p = preds.get(id);
        return [id, p.length ? p.reduce((a, q) => a + pos.get(q), 0) / p.length : pos.get(id)];
      }));
      layers[l].sort((a, b) => bary.get(a) - bary.get(b));
      layers[l].forEach((id, i) => pos.set(id, i));
    }
  }
  const tallest = Math.max(1, ...layers.map(ls => (ls ? ls.length : 0)));
  const xy = new Map();
  layers.forEach((ls, l) => {
    const offset = (tallest - ls.length) * (NODE_H + GAP_Y) / 2;
    ls.forEach((id, i) => xy.set(id, { x: 20 + l * (NODE_W + GAP_X), y: 20 + offset + i * (NODE_H + GAP_Y) }));
  });
  return {
    xy,
    width: 40 + layers.length * (NODE_W + GAP_X) - GAP_X,
    height: 40 + tallest * (NODE_H + GAP_Y) - GAP_Y,
    cyclic: seen !== ids.length,
  };
}

function shorten(s, n) {
  return s.length > n ? s.substring(0, n - 1) + '…' : s;
}

const LABEL_FONT_PX = 10;
const LABEL_PAD = 2;
// Where along an edge a label may go, nearest the middle first.
const LABEL_FRACTIONS = [0.5, 0.35, 0.65, 0.25, 0.75, 0.45, 0.55, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.15, 0.85, 0.1, 0.9];
let measureCtx = null;

function labelWidth(text) {
  if (!measureCtx) measureCtx = document.createElement('canvas').getContext('2d');
  measureCtx.font = LABEL_FONT_PX + 'px ' + getComputedStyle(document.body).fontFamily;
  return Math.ceil(measureCtx.measureText(text).width);
}

// A point of the cubic Bezier an edge is drawn as: (x1,y1) (mx,y1) (mx,y2) (x2,y2).
function edgePoint(c, t) {
  const u = 1 - t;
  const b0 = u * u * u, b1 = 3 * u * u * t, b2 = 3 * u * t * t, b3 = t * t * t;
  return { x: b0 * c.x1 + (b1 + b2) * c.mx + b3 * c.x2, y: (b0 + b1) * c.y1 + (b2 + b3) * c.y2 };
}

function overlap(a, b) {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

// Places each label on its own edge where its box misses every node and every label placed
// before it: the first free fraction of the edge, then the same a line above or below it; where
// nothing is free, the spot that covers least. Edges spanning fewest layers choose first, since
// they have the least room.
function placeLabels(labelled, nodeBoxes, width, height) {
  const h = LABEL_FONT_PX + 2 * LABEL_PAD + 1;
  const placed = [];
  const order = labelled.slice().sort((a, b) => (a.c.x2 - a.c.x1) - (b.c.x2 - b.c.x1));
  for (const l of order) {
    const w = labelWidth(l.text) + 2 * LABEL_PAD;
    let best = null;
    for (const dy of [0, -h, h]) {
      for (const t of LABEL_FRACTIONS) {
        const p = edgePoint(l.c, t);
        const box = { x: p.x - w / 2, y: p.y + dy - h / 2, w, h };
        let cost = 0;
        if (box.x < 0 || box.y < 0 || box.x + w > width || box.y + h > height) cost += w * h;
        for (const n of nodeBoxes) cost += overlap(box, n);
        for (const q of placed) cost += overlap(box, q.box);
        if (!best || cost < best.cost) best = { box, cost };
        if (cost === 0) break;
      }
      if (best.cost === 0) break;
    }
    l.box = best.box;
    placed.push(l);
  }
  return placed;
}

// Draws nodes [{id, title, subtitle, cls, tooltip, onclick}] and edges [{from, to, label}].
function drawGraph(nodes, edges) {
  const { xy, width, height } = layout(nodes.map(n => n.id), edges);
  const root = svg('svg', { width, height, viewBox: '0 0 ' + width + ' ' + height, class: 'dag' });
  root.appendChild(svg('defs', null,
    svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto' },
      svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#8a93a3' }))));
  const edgeLayer = svg('g', { class: 'edges' });
  const labelLayer = svg('g', { class: 'labels' });
  const nodeLayer = svg('g', { class: 'nodes' });
  const labelled = [];
  for (const e of edges) {
    const a = xy.get(e.from);
    const b = xy.get(e.to);
    if (!a || !b) continue;
    const x1 = a.x + NODE_W, y1 = a.y + NODE_H / 2, x2 = b.x, y2 = b.y + NODE_H / 2;
    const mx = (x1 + x2) / 2;
    edgeLayer.appendChild(svg('path', {
      class: 'edge', d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`, 'marker-end': 'url(#arrow)',
      'data-from': e.from, 'data-to': e.to,
    }, svg('title', { text: e.label || '' })));
    if (e.label) labelled.push({ e, text: shorten(e.label, 28), c: { x1, y1, x2, y2, mx } });
  }
  // a little margin, so a label does not touch a node either
  const nodeBoxes = [...xy.values()].map(p => ({ x: p.x - 2, y: p.y - 2, w: NODE_W + 4, h: NODE_H + 4 }));
  for (const l of placeLabels(labelled, nodeBoxes, width, height)) {
    labelLayer.appendChild(svg('g', { class: 'edge-label-box', 'data-from': l.e.from, 'data-to': l.e.to },
      svg('title', { text: l.e.label }),
      svg('rect', { class: 'edge-label-bg', x: l.box.x, y: l.box.y, width: l.box.w, height: l.box.h, rx: 2 }),
      svg('text', { class: 'edge-label', x: l.box.x + l.box.w / 2, y: l.box.y + l.box.h / 2, 'text-anchor': 'middle', 'dominant-baseline': 'central' },
        l.text)));
  }
  const groups = new Map();
  for (const n of nodes) {
    const p = xy.get(n.id);
    const g = svg('g', { class: 'node ' + (n.cls || ''), transform: `translate(${p.x},${p.y})`, 'data-id': n.id },
      svg('title', { text: n.tooltip || n.title }),
      svg('rect', { width: NODE_W, height: NODE_H, rx: 6, class: n.fill || '' }),
      svg('text', { x: 8, y: 17, 'font-weight': 600 }, shorten(n.title, n.link ? 15 : 24)),
      svg('text', { x: 8, y: 33, class: 'sub' }, shorten(n.subtitle || '', 28)));
    if (n.link) {
      // a link in the node's top right corner, e.g. a task node's tuning page
      const a = svg('a', { href: n.link.href, class: 'node-link ' + (n.link.cls || '') },
        svg('rect', { x: NODE_W - 50, y: 4, width: 46, height: 17, rx: 3, class: 'node-link-bg' }),
        svg('text', { x: NODE_W - 27, y: 16, 'text-anchor': 'middle' }, n.link.text));
      a.addEventListener('click', ev => ev.stopPropagation());
      g.appendChild(a);
    }
    if (n.onclick) g.addEventListener('click', n.onclick);
    nodeLayer.appendChild(g);
    groups.set(n.id, g);
  }
  root.appendChild(edgeLayer);
  root.appendChild(labelLayer);
  root.appendChild(nodeLayer);
  return { root, groups };
}

// ------------------------------------------------------------------ run page

function runNodes(graph, runId) {
  return graph.nodes.map(n => ({
    id: n.executionId,
    title: n.nodeName,
    subtitle: n.status + (n.reused ? ' · reused' : '') + ' · ' + n.stepName,
    fill: 's-' + n.status,
    cls: 'exec-node' + (n.reused ? ' reused' : ''),
    tooltip: n.nodeName + ' (' + n.stepName + '): ' + n.status + (n.errorMessage ? '\n' + n.errorMessage : ''),
    link: n.tuning ? { href: tuningHref(runId, n.executionId), text: 'tuning', cls: 'tuning-link' } : null,
    onclick: () => { location.hash = '#/run/' + enc(runId) + '/node/' + enc(n.executionId); },
  }));
}

function tuningHref(runId, executionId) {
  return '#/run/' + enc(runId) + '/tuning/' + enc(executionId);
}

function tuningJobs(graph) {
  return new Set(graph.nodes.filter(n => n.tuning).map(n => n.executionId));
}

async function runPage(main, runId, selected) {
  const t0 = performance.now();
  const graph = await api('/api/runs/' + enc(runId));
  const run = graph.run;
  clear(main);
  const header = el('div', { class: 'run-header' },
    el('h2', null, 'Run of ', el('span', { id: 'pipeline-name', text: run.pipeline }), ' ', el('span', { id: 'run-status' }, badge(run.status))),
    el('div', { class: 'muted' },
      'run ', run.id,
      run.commit && run.commit.sha ? ' · commit ' + run.commit.sha.substring(0, 12) + (run.commit.ref ? ' (' + run.commit.ref + ')' : '') : '',
      ' · started ', fmtTime(run.startedAt || run.createdAt), ' · ', fmtDuration(run.startedAt, run.finishedAt)));
  if (!graph.finished) {
    header.appendChild(el('button', { id: 'stop-run', text: 'Stop run', onclick: () => stopRun(run.id) }));
  }
  const graphBox = el('div', { class: 'graph', id: 'graph' });
  const panel = el('aside', { class: 'panel', id: 'panel', hidden: selected ? null : 'hidden' });
  const { root, groups } = drawGraph(runNodes(graph, run.id), graph.edges);
  graphBox.appendChild(root);

  const table = nodeTable(graph);
  append(main, [header, el('div', { class: 'layout' }, graphBox, panel), table]);
  current = { runId: run.id, groups, tuning: tuningJobs(graph) };
  if (selected) {
    await selectNode(selected);
  }
  document.body.dataset.renderedRun = run.id;
  window.kilnRenderMs = performance.now() - t0;
  // After the next frame the graph has been laid out and painted: what the benchmark measures.
  requestAnimationFrame(() => setTimeout(() => {
    window.kilnPaintedAt = performance.now();
    document.body.dataset.paintedRun = run.id;
  }, 0));
  if (!graph.finished) {
    if (window.EventSource) {
      streamRun(run.id, groups);
    } else {
      pollTimer = setTimeout(() => pollRun(run.id, groups), POLL_MS);
    }
  }
}

// While a run goes on the server pushes each new graph (server-sent events); if the stream fails
// (a proxy that buffers, too many streams) the page polls every POLL_MS instead.
function streamRun(runId, groups) {
  const source = new EventSource('/api/runs/' + enc(runId) + '/events');
  runEvents = source;
  let busy = Promise.resolve();
  source.addEventListener('run', (e) => {
    const graph = JSON.parse(e.data);
    // The server ends the stream after a finished run's graph: not an error to fall back from.
    if (graph.finished) source.close();
    busy = busy.then(async () => {
      if (runEvents !== source) return;
      const { parts } = parseHash();
      if (parts[1] !== runId) { source.close(); return; }
      try {
        groups = await applyRunGraph(runId, graph, groups);
      } catch (err) {
        showError(err.message);
      }
      if (graph.finished) { source.close(); if (runEvents === source) runEvents = null; }
    });
  });
  source.onerror = () => {
    if (runEvents !== source) return;
    source.close();
    runEvents = null;
    busy.then(() => { pollTimer = setTimeout(() => pollRun(runId, groups), POLL_MS); });
  };
}

// Without a stream: ask for the graph every POLL_MS until the run is finished.
async function pollRun(runId, groups) {
  try {
    const graph = await api('/api/runs/' + enc(runId));
    const { parts } = parseHash();
    if (parts[1] !== runId) return;
    groups = await applyRunGraph(runId, graph, groups);
    if (graph.finished) return;
  } catch (e) {
    showError(e.message);
  }
  pollTimer = setTimeout(() => pollRun(runId, groups), POLL_MS);
}

// Refreshes node colours, and redraws when nodes appear or the run ends; answers the node groups.
async function applyRunGraph(runId, graph, groups) {
  const { parts } = parseHash();
  const known = current && current.runId === runId ? current.tuning : new Set();
  if (current && current.runId === runId) current.tuning = tuningJobs(graph);
  if (graph.nodes.some(n => !groups.has(n.executionId) || (n.tuning && !known.has(n.executionId))) || graph.finished) {
    const panel = document.getElementById('panel');
    const graphBox = document.getElementById('graph');
    const { root, groups: fresh } = drawGraph(runNodes(graph, runId), graph.edges);
    clear(graphBox);
    graphBox.appendChild(root);
    groups = fresh;
    if (current && current.runId === runId) current.groups = fresh;
    const table = document.getElementById('nodes');
    if (table) table.replaceWith(nodeTable(graph));
    if (parts[3] && groups.get(parts[3])) groups.get(parts[3]).classList.add('selected');
    const status = document.getElementById('run-status');
    clear(status);
    status.appendChild(badge(graph.run.status));
    if (graph.finished) {
      const stop = document.getElementById('stop-run');
      if (stop) stop.remove();
      if (panel && !panel.hidden && parts[3]) await nodePanel(panel, parts[3]);
    }
  } else {
    for (const n of graph.nodes) {
      const rect = groups.get(n.executionId).querySelector('rect');
      rect.setAttribute('class', 's-' + n.status);
      groups.get(n.executionId).querySelector('text.sub').textContent =
        shorten(n.status + (n.reused ? ' · reused' : '') + ' · ' + n.stepName, 28);
    }
  }
  return groups;
}

async function selectNode(executionId) {
  for (const g of current.groups.values()) g.classList.remove('selected');
  const panel = document.getElementById('panel');
  if (!executionId) {
    if (logTimer) clearTimeout(logTimer);
    stopNodeEvents();
    for (const c of charts) c.destroy();
    charts = [];
    panel.hidden = true;
    delete panel.dataset.executionId;
    return;
  }
  const g = current.groups.get(executionId);
  if (g) g.classList.add('selected');
  await nodePanel(panel, executionId);
}

async function stopRun(runId) {
  const token = document.getElementById('token').value;
  try {
    await api('/api/runs/' + enc(runId) + '/stop', { method: 'POST', headers: { 'X-Kiln-Token': token } });
    route();
  } catch (e) {
    showError(e.message);
  }
}

function nodeTable(graph) {
  const checks = [];
  const rows = graph.nodes.map(n => {
    const box = el('input', { type: 'checkbox', value: n.executionId });
    checks.push(box);
    return el('tr', null,
      el('td', null, box),
      el('td', null, el('a', { href: '#/run/' + enc(graph.run.id) + '/node/' + enc(n.executionId), text: n.nodeName }),
        n.tuning ? [' · ', el('a', { class: 'tuning-link', href: tuningHref(graph.run.id, n.executionId), text: 'tuning' })] : null),
      el('td', { text: n.stepName }),
      el('td', null, badge(n.status)),
      el('td', { text: (n.executor || '') + (n.device ? ' / ' + n.device : '') }),
      el('td', { class: 'num', text: fmtDuration(n.startedAt, n.finishedAt) }),
      el('td', { class: 'num', text: n.metadataCount }),
      el('td', { class: 'num', text: n.outputCount }));
  });
  const compare = el('button', {
    id: 'compare-selected', text: 'Compare selected', onclick: () => {
      const ids = checks.filter(c => c.checked).map(c => c.value);
      if (ids.length) location.hash = '#/compare/' + ids.map(enc).join(',');
    },
  });
  // A step with several nodes (the trials of a sweep) gets a link comparing them all.
  const byStep = new Map();
  for (const n of graph.nodes) byStep.set(n.stepName, [...(byStep.get(n.stepName) || []), n.executionId]);
  const sweeps = [...byStep.entries()].filter(([, ids]) => ids.length > 1).map(([step, ids]) =>
    el('a', { class: 'compare-step', href: '#/compare/' + ids.slice(0, 100).map(enc).join(','),
      text: 'compare the ' + Math.min(ids.length, 100) + ' nodes of step ' + step }));
  return el('details', { class: 'nodes', id: 'nodes', open: graph.nodes.length <= 50 ? 'open' : null },
    el('summary', { text: graph.nodes.length + ' nodes' }),
    el('table', { id: 'node-table' },
      el('thead', null, el('tr', null, ['', 'node', 'step', 'status', 'executor / device', 'time', 'metadata', 'outputs'].map(h => el('th', { text: h })))),
      el('tbody', null, rows)),
    compare, sweeps.map(a => [' ', a]));
}

// ------------------------------------------------------------------ node panel

async function nodePanel(panel, executionId) {
  if (logTimer) clearTimeout(logTimer);
  stopNodeEvents();
  for (const c of charts) c.destroy();
  charts = [];
  const view = await api('/api/executions/' + enc(executionId));
  const d = view.detail;
  const x = d.execution;
  clear(panel);
  panel.hidden = false;
  panel.dataset.executionId = x.id;
  const runId = x.runId;
  append(panel, [
    el('button', { class: 'close', title: 'close', text: '×', onclick: () => { location.hash = '#/run/' + enc(runId); } }),
    el('h2', { id: 'node-title', text: x.nodeName }),
    current && current.tuning && current.tuning.has(x.id)
      ? el('p', null, el('a', { id: 'tuning-link', class: 'tuning-link', href: tuningHref(runId, x.id), text: 'tuning' }),
        el('span', { class: 'muted', text: ': its trials, their metric and the best trial' }))
      : null,
    x.trial > 0 && x.parentId
      ? el('p', { class: 'muted' }, 'trial ' + x.trial + ' of ', el('a', { class: 'tuning-link', href: tuningHref(runId, x.parentId), text: 'its tuning job' }))
      : null,
    el('table', { class: 'kv' }, el('tbody', null,
      kv('step', x.stepName),
      kv('status', badge(x.status)),
      kv('executor', x.executor || ''),
      kv('device', x.device || ''),
      kv('attempt', x.attempt),
      kv('started', fmtTime(x.startedAt)),
      kv('duration', fmtDuration(x.startedAt, x.finishedAt)),
      kv('exit code', x.exitCode === null || x.exitCode === undefined ? '' : x.exitCode),
      x.errorMessage ? kv('error', x.errorMessage) : null,
      d.reusedFromExecutionId ? kv('reused from', el('a', { href: '#/run/' + enc(runId) + '/node/' + enc(d.reusedFromExecutionId), text: d.reusedFromExecutionId })) : null,
      kv('commit', view.run.commit && view.run.commit.sha ? view.run.commit.sha + (view.run.commit.dirty ? ' (dirty)' : '') : 'none recorded'))),
  ]);

  panel.appendChild(el('h3', { text: 'Parameters' }));
  panel.appendChild(d.parameters.length
    ? el('table', { id: 'parameters', class: 'kv' }, el('tbody', null,
      d.parameters.map(p => kv(p.name, JSON.stringify(p.valueJson))))) : el('p', { class: 'muted', text: 'none' }));

  panel.appendChild(el('h3', { text: 'Inputs' }));
  panel.appendChild(d.inputs.length ? el('ul', { id: 'inputs' }, d.inputs.map(i => {
    const producer = i.producingExecutionId ? view.producers[i.producingExecutionId] : null;
    return el('li', null,
      el('b', { text: i.inputName }), ': ', i.fileName, ' ', el('span', { class: 'muted', text: fmtSize(i.size) }),
      producer ? [' from ', el('a', { class: 'producer', href: '#/run/' + enc(producer.runId) + '/node/' + enc(producer.executionId), text: producer.nodeName + (producer.runId !== runId ? ' (another run)' : '') })] : [' ', el('span', { class: 'muted', text: i.uri })],
      i.sha256 ? [' · ', el('a', { class: 'lineage-link', href: '#/artifact/' + i.sha256 + '?direction=up', text: 'lineage' })] : null);
  })) : el('p', { class: 'muted', text: 'none' }));

  panel.appendChild(el('h3', { text: 'Outputs' }));
  panel.appendChild(d.outputs.length ? el('ul', { id: 'outputs' }, d.outputs.map(o => {
    const url = outputUrl(x.id, o.path);
    const isImage = /\.(png|jpe?g|gif|webp|bmp)$/i.test(o.path);
    return el('li', null,
      el('a', { class: 'download', href: url + '?download=1', text: o.path }), ' ',
      el('span', { class: 'muted', text: fmtSize(o.size) }), ' · ',
      el('a', { class: 'lineage-link', href: '#/artifact/' + shaOf(o.datumId) + '?direction=down', text: 'lineage' }),
      isImage ? el('img', { class: 'preview', src: url, alt: o.path, loading: 'lazy' }) : null);
  })) : el('p', { class: 'muted', text: 'none' }));

  panel.appendChild(el('h3', { text: 'Metadata' }));
  const metaBox = el('div', { id: 'metadata' });
  panel.appendChild(metaBox);
  panel.appendChild(el('h3', { text: 'Log' }));
  const log = el('pre', { class: 'log', id: 'log' });
  panel.appendChild(log);
  const [chart] = await Promise.all([metadataChart(metaBox, x.id), logTail(log, x.id, false)]);
  if (!isFinished(x.status)) follow(panel, log, chart, x.id);
}

function isFinished(status) {
  return ['SUCCEEDED', 'FAILED', 'STOPPED', 'REUSED', 'SKIPPED', 'STOPPED_EARLY'].includes(status);
}

function kv(k, v) {
  return el('tr', null, el('td', { text: k }), el('td', null, v));
}

/**
 * Follows a live execution: new log lines and metadata entries arrive over server-sent events as
 * soon as they are stored; where the stream cannot open (or fails) the panel polls instead.
 */
function follow(panel, pre, chart, executionId) {
  const lastLog = Number(pre.dataset.last || 0);
  if (!window.EventSource) {
    logTail(pre, executionId, true, lastLog);
    return;
  }
  const source = new EventSource('/api/executions/' + enc(executionId) + '/events?afterLog=' + lastLog + '&afterMeta=' + chart.last());
  nodeEvents = source;
  panel.dataset.streaming = 'true';
  source.addEventListener('logs', ev => {
    const data = JSON.parse(ev.data);
    appendLines(pre, data.lines);
    pre.dataset.last = data.last;
  });
  source.addEventListener('metadata', ev => chart.add(JSON.parse(ev.data).entries));
  source.addEventListener('end', () => {
    source.close();
    if (nodeEvents === source) nodeEvents = null;
    panel.dataset.streaming = 'ended';
  });
  source.onerror = () => {
    // A stream the server refused or dropped: poll from where it got to.
    source.close();
    if (nodeEvents !== source) return;
    nodeEvents = null;
    panel.dataset.streaming = 'polling';
    logTail(pre, executionId, true, Number(pre.dataset.last || 0));
  };
}

async function logTail(pre, executionId, live, from) {
  let last = from || 0;
  if (from === undefined) {
    const first = await api('/api/executions/' + enc(executionId) + '/logs?tail=500');
    appendLines(pre, first.lines);
    last = first.last;
    pre.dataset.last = last;
  }
  if (!live) return;
  const poll = async () => {
    try {
      const more = await api('/api/executions/' + enc(executionId) + '/logs?after=' + last + '&limit=1000');
      appendLines(pre, more.lines);
      last = more.last;
      pre.dataset.last = last;
      const panel = document.getElementById('panel');
      if (panel && panel.dataset.executionId === executionId) logTimer = setTimeout(poll, POLL_MS);
    } catch (e) {
      showError(e.message);
    }
  };
  logTimer = setTimeout(poll, POLL_MS);
}

function appendLines(pre, lines) {
  const stick = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
  const frag = document.createDocumentFragment();
  for (const l of lines) {
    const span = document.createElement('span');
    span.className = 'line' + (l.stream === 'STDERR' ? ' stderr' : '');
    span.textContent = l.text + '\n';
    frag.appendChild(span);
  }
  pre.appendChild(frag);
  if (stick) pre.scrollTop = pre.scrollHeight;
}

// Numeric keys of metadata entries, and a point list for a chosen x axis.
function numericKeys(entries) {
  const keys = new Set();
  for (const e of entries) {
    for (const [k, v] of Object.entries(e.json || {})) {
      if (typeof v === 'number' && k !== 'step' && k !== 'epoch' && k !== '_time') keys.add(k);
    }
  }
  return [...keys];
}

function points(entries, xKey, yKey) {
  const t0 = entries.length ? Date.parse(entries[0].time) : 0;
  const pts = [];
  entries.forEach((e, i) => {
    const j = e.json || {};
    const y = j[yKey];
    let xv;
    if (xKey === '_time') xv = (Date.parse(e.time) - t0) / 1000;
    else if (xKey === 'index') xv = i;
    else xv = j[xKey];
    if (typeof y === 'number' && typeof xv === 'number') pts.push({ x: xv, y });
  });
  return pts;
}

/** Draws an execution's metadata; returns {add(entries), last()} for entries that arrive later. */
async function metadataChart(box, executionId) {
  const data = await api('/api/executions/' + enc(executionId) + '/metadata');
  const entries = data.entries.slice();
  let last = data.last || 0;
  const handle = {
    last: () => last,
    add: more => {
      if (!more.length) return;
      entries.push(...more);
      last = more[more.length - 1].seq;
      render();
    },
  };
  const render = () => {
  const prevX = box.querySelector('#chart-x');
  const prevY = box.querySelector('#chart-y');
  const keepX = prevX ? prevX.value : null;
  const keepY = prevY ? prevY.value : null;
  clear(box);
  if (!entries.length) {
    box.appendChild(el('p', { class: 'muted', text: 'no metadata' }));
    return;
  }
  const ys = numericKeys(entries);
  const xs = ['step', 'epoch', '_time', 'index'].filter(k => k === '_time' || k === 'index' || entries.some(e => typeof (e.json || {})[k] === 'number'));
  const xSel = el('select', { id: 'chart-x' }, xs.map(k => el('option', { value: k, text: 'x: ' + k })));
  const ySel = el('select', { id: 'chart-y' }, ys.map(k => el('option', { value: k, text: 'y: ' + k })));
  if (keepX && xs.includes(keepX)) xSel.value = keepX;
  if (keepY && ys.includes(keepY)) ySel.value = keepY;
  const canvas = el('canvas', { id: 'metadata-chart' });
  const latest = entries[entries.length - 1].json;
  append(box, [
    el('div', null, xSel, ' ', ySel, ' ', el('span', { class: 'muted', text: entries.length + ' entries' })),
    el('div', { class: 'chartbox' }, canvas),
    el('details', null, el('summary', { text: 'latest entry' }), el('pre', { text: JSON.stringify(latest, null, 1) })),
  ]);
  if (!ys.length || typeof Chart === 'undefined') {
    canvas.remove();
    return;
  }
  const draw = () => {
    for (const c of charts) c.destroy();
    charts = [];
    const pts = points(entries, xSel.value, ySel.value);
    canvas.dataset.points = pts.length;
    charts.push(new Chart(canvas, {
      type: 'scatter',
      data: { datasets: [{ label: ySel.value, data: pts, showLine: true, borderColor: '#1f5fbf', backgroundColor: '#1f5fbf', pointRadius: pts.length > 200 ? 0 : 2 }] },
      options: {
        animation: false, maintainAspectRatio: false,
        scales: { x: { type: 'linear', title: { display: true, text: xSel.value === '_time' ? 'seconds since first entry' : xSel.value } }, y: { title: { display: true, text: ySel.value } } },
      },
    }));
    canvas.dataset.drawn = 'true';
  };
  xSel.addEventListener('change', draw);
  ySel.addEventListener('change', draw);
  draw();
  };
  render();
  return handle;
}

// ------------------------------------------------------------------ artifact lineage

async function artifactPage(main, sha, query) {
  const direction = (query.get('direction') || 'up').toLowerCase();
  const hops = parseInt(query.get('hops') || '3', 10) || 3;
  const graph = await api('/api/artifacts/' + enc(sha) + '/lineage?direction=' + enc(direction) + '&hops=' + hops);
  clear(main);
  const rootNode = graph.nodes.find(n => n.id === graph.rootId);
  const link = (d, h) => '#/artifact/' + enc(sha) + '?direction=' + d + '&hops=' + h;
  append(main, [
    el('h2', null, 'Lineage of ', el('span', { id: 'artifact-name', text: rootNode && rootNode.name ? rootNode.name : graph.rootId })),
    el('div', { class: 'muted', text: graph.rootId }),
    el('div', { class: 'filters' },
      el('a', { id: 'lineage-up', href: link('up', hops), text: direction === 'up' ? '▶ upstream (how it was made)' : 'upstream (how it was made)' }),
      el('a', { id: 'lineage-down', href: link('down', hops), text: direction === 'down' ? '▶ downstream (what used it)' : 'downstream (what used it)' }),
      el('span', { id: 'hops' }, 'hops: ', [1, 2, 3, 5, 10].map(h => [el('a', { href: link(direction, h), text: h === hops ? '[' + h + ']' : String(h) }), ' '])),
      el('a', { href: '/api/artifacts/' + enc(sha) + '/content?download=1&name=' + enc(rootNode && rootNode.name ? rootNode.name.split('/').pop() : sha), text: 'download' })),
  ]);
  // Edges always point the way data flowed: artifact -> reader, producer -> artifact.
  const nodes = graph.nodes.map(n => n.kind === 'execution' ? {
    id: n.id, title: n.nodeName, subtitle: n.status + ' · ' + n.pipeline, fill: 's-' + n.status, cls: 'lineage-execution',
    tooltip: n.pipeline + ' › ' + n.nodeName + ' (' + n.stepName + ')\nrun ' + n.runId,
    onclick: () => { location.hash = '#/run/' + enc(n.runId) + '/node/' + enc(n.executionId); },
  } : {
    id: n.id, title: n.name || shaOf(n.datumId).substring(0, 12), subtitle: fmtSize(n.size) + ' · ' + shaOf(n.datumId).substring(0, 10),
    cls: 'artifact lineage-artifact' + (n.id === graph.rootId ? ' selected' : ''),
    tooltip: n.datumId,
    onclick: () => { location.hash = '#/artifact/' + shaOf(n.datumId) + '?direction=' + direction + '&hops=' + hops; },
  });
  const { root } = drawGraph(nodes, graph.edges);
  main.appendChild(el('div', { class: 'graph', id: 'lineage-graph' }, root));
  document.body.dataset.renderedLineage = sha;
}

// ------------------------------------------------------------------ comparison

async function comparePage(main, ids, query) {
  const c = await api('/api/compare?executions=' + ids.map(enc).join(','));
  clear(main);
  const columns = [
    { name: 'node', get: r => r.nodeName },
    { name: 'status', get: r => r.status },
    ...c.parameterNames.map(p => ({ name: p, get: r => r.parameters[p], param: true })),
    ...c.metricNames.map(m => ({ name: m, get: r => r.metrics[m], metric: true })),
  ];
  let sortCol = -1;
  let asc = true;
  const tbody = el('tbody');
  const fill = () => {
    const rows = [...c.rows];
    if (sortCol >= 0) {
      const g = columns[sortCol].get;
      rows.sort((a, b) => {
        const va = g(a), vb = g(b);
        if (va === undefined || va === null) return 1;
        if (vb === undefined || vb === null) return -1;
        const cmp = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
        return asc ? cmp : -cmp;
      });
    }
    clear(tbody);
    for (const r of rows) {
      tbody.appendChild(el('tr', null, columns.map((col, i) => {
        const v = col.get(r);
        if (i === 0) return el('td', null, el('a', { href: '#/run/' + enc(r.runId) + '/node/' + enc(r.executionId), text: v }));
        const text = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
        return el('td', { class: typeof v === 'number' ? 'num' : null, text });
      })));
    }
  };
  const head = el('tr', null, columns.map((col, i) => el('th', {
    class: 'sortable', title: col.param ? 'parameter' : col.metric ? 'final value' : null, text: col.name,
    onclick: () => { asc = sortCol === i ? !asc : true; sortCol = i; fill(); },
  })));
  fill();
  const metricSel = el('select', { id: 'compare-metric' }, c.metricNames.filter(m => m !== 'step' && m !== 'epoch').map(m => el('option', { value: m, text: m })));
  const xSel = el('select', { id: 'compare-x' }, ['step', 'epoch', '_time', 'index'].map(k => el('option', { value: k, text: 'x: ' + k })));
  const canvas = el('canvas', { id: 'compare-chart' });
  append(main, [
    el('h2', { text: 'Comparing ' + c.rows.length + ' executions' }),
    el('table', { id: 'comparison' }, el('thead', null, head), tbody),
    el('h3', null, 'Overlay ', metricSel, ' ', xSel),
    el('div', { class: 'chartbox' }, canvas),
  ]);
  const metadata = new Map();
  await Promise.all(c.rows.map(async r => {
    metadata.set(r.executionId, (await api('/api/executions/' + enc(r.executionId) + '/metadata')).entries);
  }));
  const palette = ['#1f5fbf', '#c92a2a', '#2b8a3e', '#d9480f', '#6741d9', '#0c8599', '#e64980', '#5c940d'];
  const draw = () => {
    for (const ch of charts) ch.destroy();
    charts = [];
    if (!metricSel.value || typeof Chart === 'undefined') return;
    const datasets = c.rows.map((r, i) => ({
      label: r.nodeName + ' ' + r.executionId.substring(0, 8),
      data: points(metadata.get(r.executionId), xSel.value, metricSel.value),
      showLine: true, borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], pointRadius: 1,
    }));
    charts.push(new Chart(canvas, { type: 'scatter', data: { datasets }, options: { animation: false, maintainAspectRatio: false, scales: { x: { type: 'linear', title: { display: true, text: xSel.value } } } } }));
    canvas.dataset.drawn = 'true';
  };
  metricSel.addEventListener('change', draw);
  xSel.addEventListener('change', draw);
  draw();
}

// ------------------------------------------------------------------ tuning

// The tuning page of a task node's execution: the trials table (sortable), the metric per trial
// with the best so far, the metric against each searched parameter, and every trial's curve of
// intermediate values. Polled every POLL_MS until the tuning job finishes.
async function tuningPage(main, runId, executionId) {
  const url = '/api/executions/' + enc(executionId) + '/tuning';
  const state = { sort: 'trial', asc: true, view: null };
  const render = view => {
    state.view = view;
    clear(main);
    append(main, tuningContent(view, state));
    document.body.dataset.renderedTuning = view.executionId;
    document.body.dataset.tuningTrials = view.trials.length;
    document.body.dataset.tuningLive = String(!view.finished);
  };
  render(await api(url));
  const onPage = () => {
    const { parts } = parseHash();
    return parts[2] === 'tuning' && parts[3] === executionId;
  };
  const poll = async () => {
    pollTimer = null;
    if (!onPage()) return;
    try {
      const view = await api(url);
      if (!onPage()) return;
      render(view);
      if (view.finished) return;
    } catch (e) {
      showError(e.message);
    }
    pollTimer = setTimeout(poll, POLL_MS);
  };
  if (!state.view.finished) pollTimer = setTimeout(poll, POLL_MS);
}

function tuningContent(view, state) {
  const spec = view.spec || {};
  const params = tuningParams(view);
  const best = view.trials.find(t => t.executionId === view.bestTrial);
  const header = el('div', { class: 'run-header' },
    el('h2', null, 'Tuning of ', el('span', { id: 'tuning-node', text: view.nodeName }), ' ',
      el('span', { id: 'tuning-status' }, badge(view.status))),
    el('div', { class: 'muted', id: 'tuning-spec' },
      (view.goal === 'MINIMIZE' ? 'minimize ' : 'maximize ') + view.metric +
      ' (' + (view.metricValue === 'BEST' ? 'best' : 'last') + ' value)' +
      ' · ' + view.trials.length + (spec.maxTrials ? ' of ' + spec.maxTrials : '') + ' trials' +
      (spec.maxParallelTrials ? ' · ' + spec.maxParallelTrials + ' in parallel' : '') +
      (spec.algorithm ? ' · ' + (spec.algorithm === 'ALGORITHM_UNSPECIFIED' ? 'Bayesian (TPE)' : spec.algorithm) : '') +
      (spec.enableTrialEarlyStopping ? ' · early stopping' : '') +
      (view.finished ? '' : ' · live'), ' · ',
      el('a', { href: '#/run/' + enc(view.runId) + '/node/' + enc(view.executionId), text: 'the task node in its run' }),
      view.trials.length > 1 ? [' · ', el('a', { id: 'compare-trials', href: '#/compare/' + view.trials.slice(0, 100).map(t => enc(t.executionId)).join(','),
        text: 'compare the trials' + (view.trials.length > 100 ? ' (the first 100)' : '') })] : null),
    el('p', { id: 'tuning-best' }, best
      ? ['best: ', el('b', { text: 'trial ' + best.trial }), ', ' + view.metric + ' ' + fmtNum(best.metric),
        params.length ? ' with ' + params.map(p => p.name + ' ' + fmtValue(paramValue(best, p))).join(', ') : '']
      : el('span', { class: 'muted', text: 'no best trial yet' })));
  const table = trialsTable(view, state);
  const statuses = [...new Set(view.trials.map(t => t.status))];
  const legend = el('div', { class: 'tuning-legend', id: 'tuning-legend' },
    statuses.map(st => el('span', { class: 'legend-item' },
      svgSwatch(svg('circle', { cx: 8, cy: 8, r: 5, class: 'pt s-' + st })), st)),
    el('span', { class: 'legend-item' }, svgSwatch(svg('circle', { cx: 8, cy: 8, r: 6, class: 'best-ring' })), 'best trial'),
    el('span', { class: 'legend-item' }, svgSwatch(svg('line', { x1: 1, y1: 8, x2: 15, y2: 8, class: 'best-so-far' })), 'best so far'));
  const charts = el('div', { class: 'tuning-charts', id: 'tuning-charts' },
    metricPerTrialChart(view),
    params.map((p, i) => parameterScatter(view, p, i)),
    curvesChart(view));
  return [header, table, el('h3', { text: 'Charts' }), legend, charts];
}

// A trial's value of a searched parameter; a number the step recorded as text counts as a number
// unless the parameter is categorical.
function paramValue(t, p) {
  const v = (t.parameters || {})[p.name];
  if (typeof v === 'string' && p.spec.type && p.spec.type !== 'CATEGORICAL' && v.trim() !== '' && isFinite(Number(v))) return Number(v);
  return v;
}

// The searched parameters, from the spec (in its order); without any, those the trials ran with.
function tuningParams(view) {
  const params = ((view.spec || {}).params || []).filter(p => p && p.parameterName)
    .map(p => ({ name: p.parameterName, spec: p }));
  if (params.length) return params;
  const names = new Set();
  for (const t of view.trials) Object.keys(t.parameters || {}).forEach(n => names.add(n));
  return [...names].map(name => ({ name, spec: {} }));
}

function trialsTable(view, state) {
  const params = tuningParams(view);
  const columns = [
    { key: 'trial', name: 'trial', get: t => t.trial, num: true },
    ...params.map(p => ({ key: 'param:' + p.name, name: p.name, get: t => paramValue(t, p), num: true, param: true })),
    { key: 'metric', name: view.metric + (view.goal === 'MINIMIZE' ? ' ↓' : ' ↑'), get: t => t.metric, num: true },
    { key: 'status', name: 'status', get: t => t.status },
    { key: 'duration', name: 'duration', get: t => t.durationSeconds, num: true },
  ];
  const col = columns.find(c => c.key === state.sort) || columns[0];
  const rows = [...view.trials].sort((a, b) => {
    const va = col.get(a), vb = col.get(b);
    const na = va === null || va === undefined, nb = vb === null || vb === undefined;
    if (na !== nb) return na ? 1 : -1; // no value: last, either way
    let cmp = 0;
    if (!na) cmp = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    if (!state.asc) cmp = -cmp;
    return cmp || a.trial - b.trial;
  });
  const table = el('table', { id: 'trials', class: 'trials' });
  const head = el('tr', null, columns.map(c => el('th', {
    class: 'sortable' + (c.key === col.key ? ' sorted' : ''), 'data-key': c.key,
    title: c.param ? 'searched parameter' : c.key === 'metric' ? (view.goal === 'MINIMIZE' ? 'lower is better' : 'higher is better') : null,
    onclick: () => {
      state.asc = state.sort === c.key ? !state.asc : true;
      state.sort = c.key;
      table.replaceWith(trialsTable(state.view, state));
    },
  }, c.name, c.key === col.key ? (state.asc ? ' ▲' : ' ▼') : '')));
  const body = el('tbody', null, rows.map(t => {
    const isBest = t.executionId === view.bestTrial;
    return el('tr', { class: 'trial-row' + (isBest ? ' best' : ''), 'data-trial': t.trial, title: t.errorMessage || null },
      el('td', { class: 'num' },
        el('a', { href: '#/run/' + enc(view.runId) + '/node/' + enc(t.executionId), text: t.trial }),
        isBest ? el('span', { class: 'best-mark', title: 'best trial', text: ' ★ best' }) : null),
      params.map(p => el('td', { class: 'num', text: fmtValue(paramValue(t, p)) })),
      el('td', { class: 'num metric', text: fmtNum(t.metric) }),
      el('td', null, badge(t.status)),
      el('td', { class: 'num', text: t.durationSeconds === null || t.durationSeconds === undefined ? '' : fmtSeconds(t.durationSeconds) }));
  }));
  append(table, [el('thead', null, head), body]);
  if (!view.trials.length) body.appendChild(el('tr', null, el('td', { colspan: columns.length, class: 'muted', text: 'no trials yet' })));
  return table;
}

function fmtNum(v) {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e7)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

function fmtValue(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return fmtNum(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function fmtSeconds(s) {
  if (s < 1) return Math.round(s * 1000) + ' ms';
  if (s < 60) return s.toFixed(1) + ' s';
  return Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s';
}

function svgSwatch(shape) {
  return svg('svg', { width: 16, height: 16, class: 'swatch' }, shape);
}

// ---- small SVG charts with real axes

const TC = { w: 430, h: 280, l: 72, r: 18, t: 32, b: 48 };
const TRIAL_PALETTE = ['#1f5fbf', '#c92a2a', '#2b8a3e', '#d9480f', '#6741d9', '#0c8599', '#e64980', '#5c940d', '#862e9c', '#495057'];

function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
}

// A linear axis over the values, padded a little so no point sits on the frame; ticks at round
// numbers inside it. {integer: true} keeps ticks on whole numbers.
function linearScale(values, opts) {
  opts = opts || {};
  const vs = values.filter(v => typeof v === 'number' && isFinite(v));
  let lo = vs.length ? Math.min(...vs) : 0, hi = vs.length ? Math.max(...vs) : 1;
  if (lo === hi) { const d = lo === 0 ? 1 : Math.abs(lo) * 0.1; lo -= d; hi += d; }
  let step = niceStep(hi - lo, opts.ticks || 5);
  if (opts.integer) step = Math.max(1, Math.ceil(step));
  const pad = opts.integer ? Math.max(step / 2, (hi - lo) * 0.04) : (hi - lo) * 0.06;
  const a = lo - pad, b = hi + pad;
  const decimals = Math.max(0, Math.ceil(-Math.log10(step)) + 1);
  const ticks = [];
  for (let i = Math.ceil(a / step); i * step <= b; i++) {
    const v = i * step;
    ticks.push({ v, label: Math.abs(v) >= 1e7 ? v.toExponential(1) : String(Number(v.toFixed(Math.min(decimals, 12)))) });
  }
  return { kind: 'linear', pos: v => (v - a) / (b - a), ticks };
}

// A log axis (base 10): ticks at the powers of ten inside it, with 2 and 5 between when it spans
// less than two decades.
function logScale(values) {
  const vs = values.filter(v => typeof v === 'number' && v > 0 && isFinite(v));
  let lo = vs.length ? Math.log10(Math.min(...vs)) : -3, hi = vs.length ? Math.log10(Math.max(...vs)) : 0;
  if (lo === hi) { lo -= 0.5; hi += 0.5; }
  const pad = (hi - lo) * 0.05;
  const a = lo - pad, b = hi + pad;
  const mantissas = b - a < 2 ? [1, 2, 5] : [1];
  const ticks = [];
  for (let k = Math.floor(a); k <= Math.ceil(b); k++) {
    for (const m of mantissas) {
      const v = Number(m + 'e' + k);
      const l = Math.log10(v);
      if (l >= a && l <= b) ticks.push({ v, label: String(v) });
    }
  }
  return { kind: 'log', pos: v => (Math.log10(v) - a) / (b - a), ticks };
}

// Categories as bands, in the spec's order, then any other value the trials had.
function bandScale(categories, values) {
  const cats = [...categories.map(String)];
  for (const v of values) if (v !== null && v !== undefined && !cats.includes(String(v))) cats.push(String(v));
  const n = Math.max(1, cats.length);
  return { kind: 'band', cats, pos: v => (cats.indexOf(String(v)) + 0.5) / n, ticks: cats.map(c => ({ v: c, label: c })), bandWidth: 1 / n };
}

// A chart's frame: title, gridlines, axes with ticks and labels, axis titles. Answers the svg,
// the pixel position of an x and a y value, and the group to draw the data in.
function chartFrame(attrs, title, xs, ys, xTitle, yTitle) {
  const { w, h, l, r, t, b } = TC;
  const pw = w - l - r, ph = h - t - b;
  const X = v => l + xs.pos(v) * pw;
  const Y = v => t + ph - ys.pos(v) * ph;
  const root = svg('svg', Object.assign({ width: w, height: h, viewBox: '0 0 ' + w + ' ' + h, class: 'tchart', 'data-xscale': xs.kind }, attrs));
  root.appendChild(svg('text', { x: l, y: 18, class: 'chart-title' }, svg('title', { text: title }), shorten(title, 46)));
  const grid = svg('g', { class: 'grid' });
  const axes = svg('g', { class: 'axes' });
  if (xs.kind === 'band') {
    xs.cats.forEach((c, i) => {
      if (i % 2 === 0) grid.appendChild(svg('rect', { class: 'band', x: l + i * xs.bandWidth * pw, y: t, width: xs.bandWidth * pw, height: ph }));
    });
  }
  const maxChars = Math.max(3, Math.floor((xs.kind === 'band' ? xs.bandWidth * pw : pw / Math.max(1, xs.ticks.length)) / 7));
  for (const tk of xs.ticks) {
    const x = X(tk.v);
    if (xs.kind !== 'band') grid.appendChild(svg('line', { x1: x, y1: t, x2: x, y2: t + ph }));
    axes.appendChild(svg('line', { x1: x, y1: t + ph, x2: x, y2: t + ph + 5 }));
    const label = shorten(tk.label, maxChars);
    axes.appendChild(svg('text', { x, y: t + ph + 18, 'text-anchor': 'middle', class: 'tick x-tick' }, label !== tk.label ? svg('title', { text: tk.label }) : null, label));
  }
  for (const tk of ys.ticks) {
    const y = Y(tk.v);
    grid.appendChild(svg('line', { x1: l, y1: y, x2: l + pw, y2: y }));
    axes.appendChild(svg('line', { x1: l - 5, y1: y, x2: l, y2: y }));
    axes.appendChild(svg('text', { x: l - 8, y, 'text-anchor': 'end', 'dominant-baseline': 'central', class: 'tick y-tick' }, tk.label));
  }
  axes.appendChild(svg('line', { x1: l, y1: t + ph, x2: l + pw, y2: t + ph, class: 'axis' }));
  axes.appendChild(svg('line', { x1: l, y1: t, x2: l, y2: t + ph, class: 'axis' }));
  axes.appendChild(svg('text', { x: l + pw / 2, y: h - 8, 'text-anchor': 'middle', class: 'axis-title x-title' }, xTitle));
  axes.appendChild(svg('text', { x: 0, y: 0, transform: `translate(14,${t + ph / 2}) rotate(-90)`, 'text-anchor': 'middle', class: 'axis-title y-title' }, shorten(yTitle, 34)));
  const plot = svg('g', { class: 'plot' });
  append(root, [grid, axes, plot]);
  return { root, X, Y, plot };
}

function chartBox(id, chart, note) {
  return el('figure', { class: 'tchart-box', id }, chart, note || null);
}

function noValues(view) {
  return el('p', { class: 'muted', text: 'no values of ' + view.metric + ' yet' });
}

function trialPoint(view, t, x, y, what) {
  const isBest = t.executionId === view.bestTrial;
  const g = svg('g', { class: 'trial-point' + (isBest ? ' best' : ''), 'data-trial': t.trial },
    svg('title', { text: 'trial ' + t.trial + ': ' + view.metric + ' ' + fmtNum(t.metric) + (what ? ', ' + what : '') + ' (' + t.status + ')' }),
    isBest ? svg('circle', { cx: x, cy: y, r: 9, class: 'best-ring' }) : null,
    svg('circle', { cx: x, cy: y, r: 5, class: 'pt s-' + t.status }));
  g.addEventListener('click', () => { location.hash = '#/run/' + enc(view.runId) + '/node/' + enc(t.executionId); });
  return g;
}

function metricPerTrialChart(view) {
  const measured = view.trials.filter(t => typeof t.metric === 'number');
  if (!measured.length) return chartBox('chart-metric', el('h4', { text: view.metric + ' per trial' }), noValues(view));
  const xs = linearScale(view.trials.map(t => t.trial), { integer: true, ticks: Math.min(8, view.trials.length) });
  const ys = linearScale(measured.map(t => t.metric).concat(view.bestSoFar.map(p => p[1])));
  const f = chartFrame({ id: 'metric-per-trial' }, view.metric + ' per trial, and the best so far', xs, ys, 'trial', view.metric);
  if (view.bestSoFar.length) {
    let d = '';
    view.bestSoFar.forEach((p, i) => {
      d += (i === 0 ? 'M' : 'H' + f.X(p[0]) + 'V') + (i === 0 ? f.X(p[0]) + ',' + f.Y(p[1]) : f.Y(p[1]));
    });
    const lastTrial = Math.max(...view.trials.map(t => t.trial));
    d += 'H' + f.X(lastTrial);
    f.plot.appendChild(svg('path', { d, class: 'best-so-far' }, svg('title', { text: 'best ' + view.metric + ' so far' })));
  }
  for (const t of measured) f.plot.appendChild(trialPoint(view, t, f.X(t.trial), f.Y(t.metric)));
  return chartBox('chart-metric', f.root);
}

function parameterScatter(view, p, index) {
  const spec = p.spec || {};
  const measured = view.trials.filter(t => typeof t.metric === 'number' && paramValue(t, p) !== undefined && paramValue(t, p) !== null);
  const values = measured.map(t => paramValue(t, p));
  const bounds = [spec.minValue, spec.maxValue].filter(v => typeof v === 'number');
  let xs;
  if (spec.type === 'CATEGORICAL' || (!spec.type && values.some(v => typeof v !== 'number'))) {
    xs = bandScale(spec.categoricalValues || [], values);
  } else if (spec.scaleType === 'UNIT_LOG_SCALE' && values.concat(bounds).every(v => v > 0)) {
    xs = logScale(values.concat(bounds, spec.discreteValues || []));
  } else {
    xs = linearScale(values.concat(bounds, spec.discreteValues || []), { integer: spec.type === 'INTEGER' });
  }
  const id = 'chart-param-' + index;
  if (!measured.length) return chartBox(id, el('h4', { text: view.metric + ' against ' + p.name }), noValues(view));
  const ys = linearScale(measured.map(t => t.metric));
  const f = chartFrame({ class: 'tchart scatter', 'data-param': p.name }, view.metric + ' against ' + p.name,
    xs, ys, p.name + (xs.kind === 'log' ? ' (log scale)' : ''), view.metric);
  // trials of the same category spread side by side inside its band, so none hides another
  const bandPx = xs.kind === 'band' ? xs.bandWidth * (TC.w - TC.l - TC.r) : 0;
  const perCat = new Map();
  for (const t of measured) {
    const k = String(paramValue(t, p));
    perCat.set(k, [...(perCat.get(k) || []), t]);
  }
  for (const t of measured) {
    const v = paramValue(t, p);
    let dx = 0;
    if (xs.kind === 'band') {
      const same = perCat.get(String(v));
      dx = (same.indexOf(t) - (same.length - 1) / 2) * Math.min(14, bandPx * 0.7 / same.length);
    }
    f.plot.appendChild(trialPoint(view, t, f.X(v) + dx, f.Y(t.metric), p.name + ' ' + fmtValue(v)));
  }
  return chartBox(id, f.root);
}

function curvesChart(view) {
  const curved = view.trials.filter(t => t.curve && t.curve.length);
  if (!curved.length) return chartBox('chart-curves', el('h4', { text: 'intermediate ' + view.metric }), noValues(view));
  const all = curved.flatMap(t => t.curve);
  const xs = linearScale(all.map(p => p[0]));
  const ys = linearScale(all.map(p => p[1]));
  const f = chartFrame({ id: 'curves' }, 'intermediate ' + view.metric + ' of every trial', xs, ys, 'step', view.metric);
  const legend = el('div', { class: 'curve-legend', id: 'curve-legend' });
  // the best trial's curve last, so it is drawn on top
  const order = [...curved].sort((a, b) => (a.executionId === view.bestTrial) - (b.executionId === view.bestTrial));
  for (const t of order) {
    const colour = TRIAL_PALETTE[(t.trial - 1) % TRIAL_PALETTE.length];
    const stopped = t.status === 'STOPPED_EARLY';
    const isBest = t.executionId === view.bestTrial;
    const pts = t.curve.map(p => f.X(p[0]) + ',' + f.Y(p[1])).join(' ');
    const g = svg('g', { class: 'curve-group', 'data-trial': t.trial },
      svg('title', { text: 'trial ' + t.trial + ' (' + t.status + ')' }),
      svg('polyline', { points: pts, class: 'curve' + (stopped ? ' stopped-early' : '') + (isBest ? ' best' : ''), stroke: colour }));
    const last = t.curve[t.curve.length - 1];
    const lx = f.X(last[0]), ly = f.Y(last[1]);
    if (stopped) {
      g.appendChild(svg('path', { d: `M${lx - 5},${ly - 5} L${lx + 5},${ly + 5} M${lx - 5},${ly + 5} L${lx + 5},${ly - 5}`, class: 'stop-mark', stroke: colour }));
    } else {
      g.appendChild(svg('circle', { cx: lx, cy: ly, r: 3, fill: colour, class: 'curve-end' }));
    }
    f.plot.appendChild(g);
  }
  for (const t of curved) {
    const colour = TRIAL_PALETTE[(t.trial - 1) % TRIAL_PALETTE.length];
    const stopped = t.status === 'STOPPED_EARLY';
    legend.appendChild(el('span', { class: 'legend-item' + (stopped ? ' stopped-early' : ''), 'data-trial': t.trial },
      svgSwatch(svg('line', { x1: 0, y1: 8, x2: 16, y2: 8, stroke: colour, class: 'curve' + (stopped ? ' stopped-early' : '') })),
      'trial ' + t.trial + (stopped ? ' ✕ stopped early' : '') + (t.status === 'FAILED' ? ' (failed)' : '')
        + (t.status === 'RUNNING' ? ' (running)' : '') + (t.executionId === view.bestTrial ? ' ★' : '')));
  }
  return chartBox('chart-curves', f.root, legend);
}

// ------------------------------------------------------------------ start

window.addEventListener('hashchange', route);
window.addEventListener('DOMContentLoaded', () => {
  const token = document.getElementById('token');
  token.value = sessionStorage.getItem('kiln-token') || '';
  token.addEventListener('change', () => sessionStorage.setItem('kiln-token', token.value));
  route();
});
