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
  if (parts[0] === 'run' && current && current.runId === parts[1] && document.getElementById('graph')) {
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
    if (parts[0] === 'run' && parts[1]) {
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
      svg('text', { x: 8, y: 17, 'font-weight': 600 }, shorten(n.title, 24)),
      svg('text', { x: 8, y: 33, class: 'sub' }, shorten(n.subtitle || '', 28)));
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
    onclick: () => { location.hash = '#/run/' + enc(runId) + '/node/' + enc(n.executionId); },
  }));
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
  current = { runId: run.id, groups };
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
  if (graph.nodes.some(n => !groups.has(n.executionId)) || graph.finished) {
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
      el('td', null, el('a', { href: '#/run/' + enc(graph.run.id) + '/node/' + enc(n.executionId), text: n.nodeName })),
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
  await Promise.all([metadataChart(metaBox, x.id), logTail(log, x.id, !isFinished(x.status))]);
}

function isFinished(status) {
  return ['SUCCEEDED', 'FAILED', 'STOPPED', 'REUSED', 'SKIPPED', 'STOPPED_EARLY'].includes(status);
}

function kv(k, v) {
  return el('tr', null, el('td', { text: k }), el('td', null, v));
}

async function logTail(pre, executionId, live) {
  const first = await api('/api/executions/' + enc(executionId) + '/logs?tail=500');
  appendLines(pre, first.lines);
  let last = first.last;
  if (!live) return;
  const poll = async () => {
    try {
      const more = await api('/api/executions/' + enc(executionId) + '/logs?after=' + last + '&limit=1000');
      appendLines(pre, more.lines);
      last = more.last;
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

async function metadataChart(box, executionId) {
  const data = await api('/api/executions/' + enc(executionId) + '/metadata');
  const entries = data.entries;
  clear(box);
  if (!entries.length) {
    box.appendChild(el('p', { class: 'muted', text: 'no metadata' }));
    return;
  }
  const ys = numericKeys(entries);
  const xs = ['step', 'epoch', '_time', 'index'].filter(k => k === '_time' || k === 'index' || entries.some(e => typeof (e.json || {})[k] === 'number'));
  const xSel = el('select', { id: 'chart-x' }, xs.map(k => el('option', { value: k, text: 'x: ' + k })));
  const ySel = el('select', { id: 'chart-y' }, ys.map(k => el('option', { value: k, text: 'y: ' + k })));
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

// ------------------------------------------------------------------ start

window.addEventListener('hashchange', route);
window.addEventListener('DOMContentLoaded', () => {
  const token = document.getElementById('token');
  token.value = sessionStorage.getItem('kiln-token') || '';
  token.addEventListener('change', () => sessionStorage.setItem('kiln-token', token.value));
  route();
});
