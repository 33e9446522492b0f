// simulate lab: the page's controls, its URL and its charts (SVG written as text, no library).
// The state of the page lives in its URL: ?scenario=NAME&runs=N&seed=S&lens=L&set=KEY=VALUE&
// without=ID and, for the second setting of "A vs B", vs=1&b.lens=..&b.set=..&b.without=..
'use strict';

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
// A key such as decision.domination_weight may break after its section's dot, not inside a word.
const breakable = (html) => html.replace(/\./g, '.<wbr>');

const INDEX_WORDS = {
  us_influence: 'US influence',
  rus_chn_partnership: 'RUS–CHN partnership',
  sco_cohesion: 'SCO cohesion',
  soft_balancing: 'Soft-balancing index',
};
const INDEX_COLORS = ['#1f5fbf', '#7b3294', '#009e73', '#d55e00'];
// The triangle's state colours, as the CLI's charts draw them (src/plot/mod.rs, STATE_COLORS).
const STATE_COLORS = ['#009e73', '#7b3294', '#8c564b', '#e7298a', '#17a2b8', '#4d4d4d', '#9a9b10', '#d6616b', '#00441b', '#2d004b'];
const MAX_DECISIONS = 25;

// What the page shows: the URL's state, the scenario's description, the results of A and B.
const state = { scenario: '', runs: 200, seed: '', compare: false, edit: 'a', a: side(), b: side() };
let meta = null;
let results = { a: null, b: null };
let showAllDecisions = false;

function side() {
  return { lens: '', set: {}, without: [] };
}

// Percentages as the CLI prints them: halves up, "<1 %" for a share below 0.5 % that is not zero.
function pct(x) {
  if (x > 0 && x * 100 < 0.5) return '<1 %';
  return Math.round(x * 100) + ' %';
}
function f2(x) {
  return x.toFixed(2);
}
function signed(x) {
  return (x > 0 ? '+' : x < 0 ? '−' : '±') + Math.abs(x).toFixed(2);
}
// A value as `--set` writes it: up to six significant digits, no trailing zeros.
function num(x) {
  return String(Number(Number(x).toPrecision(6)));
}

// ---- the URL ----------------------------------------------------------------------------------

function readUrl() {
  const q = new URLSearchParams(location.search);
  state.scenario = q.get('scenario') || '';
  state.runs = parseInt(q.get('runs') || '200', 10) || 200;
  state.seed = q.get('seed') || '';
  state.compare = q.get('vs') === '1';
  for (const [s, pre] of [['a', ''], ['b', 'b.']]) {
    const x = side();
    x.lens = q.get(pre + 'lens') || '';
    for (const kv of q.getAll(pre + 'set')) {
      const i = kv.indexOf('=');
      if (i > 0) x.set[kv.slice(0, i)] = Number(kv.slice(i + 1));
    }
    x.without = q.getAll(pre + 'without');
    state[s] = x;
  }
}

// The query of one side: what /api/run and /download take, in the order the command line
// gives it (parameters in the page's order, events in date order).
function query(s) {
  const x = state[s];
  const q = new URLSearchParams();
  q.set('scenario', state.scenario);
  q.set('runs', String(state.runs));
  if (state.seed !== '') q.set('seed', state.seed);
  if (x.lens) q.set('lens', x.lens);
  for (const p of meta ? meta.params : []) {
    if (p.key in x.set) q.append('set', p.key + '=' + num(x.set[p.key]));
  }
  for (const e of meta ? meta.events : []) {
    if (x.without.includes(e.id)) q.append('without', e.id);
  }
  return q;
}

function writeUrl() {
  const q = query('a');
  if (state.compare) {
    q.set('vs', '1');
    const b = query('b');
    for (const [k, v] of b) {
      if (k === 'lens' || k === 'set' || k === 'without') q.append('b.' + k, v);
    }
  }
  history.replaceState(null, '', '?' + q.toString());
}

// ---- controls ---------------------------------------------------------------------------------

function niceStep(lo, hi) {
  const raw = (hi - lo) / 200;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

function paramHtml(p, i) {
  const step = niceStep(p.lo, p.hi);
  return `<div class="param" id="param-${i}" data-key="${esc(p.key)}">
  <div class="head"><label class="name" for="range-${i}" title="${esc(p.doc)}">${breakable(esc(p.key))}</label>
  <input class="value" type="number" id="value-${i}" min="${p.min}" max="${p.max}" step="any" aria-label="${esc(p.key)} value"></div>
  <input type="range" id="range-${i}" min="${p.lo}" max="${p.hi}" step="${step}">
  <div class="unit">${esc(p.unit)} · scenario ${num(p.value)}</div>
  <div class="meaning">${esc(p.meaning)}</div></div>`;
}

function buildControls() {
  $('lens').innerHTML = ['<option value="">scenario\'s (' + esc(meta.lens) + ')</option>']
    .concat(meta.lenses.map((l) => `<option value="${esc(l)}">${esc(l)}</option>`)).join('');
  const keyHtml = [];
  const allHtml = [];
  meta.params.forEach((p, i) => (p.key_param ? keyHtml : allHtml).push(paramHtml(p, i)));
  $('key-params').innerHTML = keyHtml.join('');
  $('all-params').innerHTML = allHtml.join('');
  meta.params.forEach((p, i) => {
    const range = $('range-' + i);
    const box = $('value-' + i);
    range.addEventListener('input', () => setParam(p, Number(range.value), box));
    box.addEventListener('change', () => {
      const v = Number(box.value);
      if (box.value === '' || !isFinite(v) || v < p.min || v > p.max) {
        box.setCustomValidity(`${p.min} to ${p.max}`);
        box.reportValidity();
        return;
      }
      box.setCustomValidity('');
      setParam(p, v, null);
    });
  });
  $('events').innerHTML = meta.events.length
    ? meta.events.map((e, i) => `<label class="event" id="event-${i}" data-id="${esc(e.id)}">
  <input type="checkbox" id="toggle-${i}"><span><span class="date">${esc(e.date)}</span> ${esc(e.text)} <code>${esc(e.id)}</code></span></label>`).join('')
    : '<p class="hint">This scenario has no scripted event with an id.</p>';
  meta.events.forEach((e, i) => {
    $('toggle-' + i).addEventListener('change', (ev) => {
      const x = state[state.edit];
      x.without = x.without.filter((id) => id !== e.id);
      if (!ev.target.checked) x.without.push(e.id);
      showControls();
      changed();
    });
  });
}

function setParam(p, v, box) {
  const x = state[state.edit];
  const step = niceStep(p.lo, p.hi);
  // Slider values land on the step's grid; round away binary noise.
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  v = box ? Number(v.toFixed(digits)) : v;
  if (Math.abs(v - p.value) < 1e-12) delete x.set[p.key];
  else x.set[p.key] = v;
  showControls();
  changed();
}

// The controls show the side being edited.
function showControls() {
  const x = state[state.edit];
  $('lens').value = x.lens;
  meta.params.forEach((p, i) => {
    const v = p.key in x.set ? x.set[p.key] : p.value;
    const range = $('range-' + i);
    if (Number(range.value) !== v) range.value = v;
    const box = $('value-' + i);
    if (document.activeElement !== box) box.value = num(v);
    $('param-' + i).classList.toggle('changed', p.key in x.set);
  });
  meta.events.forEach((e, i) => {
    const on = !x.without.includes(e.id);
    $('toggle-' + i).checked = on;
    $('event-' + i).classList.toggle('off', !on);
  });
  $('tabs').hidden = !state.compare;
  $('tab-a').setAttribute('aria-pressed', String(state.edit === 'a'));
  $('tab-b').setAttribute('aria-pressed', String(state.edit === 'b'));
  $('compare').checked = state.compare;
  $('runs').value = state.runs;
  $('seed').value = state.seed;
  $('seed').placeholder = meta ? String(meta.seed) : '';
  $('scenario').value = state.scenario;
}

// ---- running ----------------------------------------------------------------------------------

let timer = null;
let busy = false;
let again = false;

function changed() {
  writeUrl();
  clearTimeout(timer);
  timer = setTimeout(refresh, 120);
}

function status(text, kind) {
  $('status').textContent = text;
  $('status').dataset.state = kind;
}

async function fetchJson(url) {
  const r = await fetch(url);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

async function refresh() {
  if (busy) {
    again = true;
    return;
  }
  busy = true;
  again = false;
  status(`running ${state.runs} run${state.runs > 1 ? 's' : ''}…`, 'busy');
  const t0 = performance.now();
  try {
    const sides = state.compare ? ['a', 'b'] : ['a'];
    const got = await Promise.all(sides.map((s) => fetchJson('/api/run?' + query(s).toString())));
    results = { a: got[0], b: state.compare ? got[1] : null };
    $('error').hidden = true;
    render();
    const ms = performance.now() - t0;
    status(`${state.runs} run${state.runs > 1 ? 's' : ''}${state.compare ? ' × 2' : ''} in ${(ms / 1000).toFixed(2)} s`, 'ready');
  } catch (err) {
    $('error').textContent = String(err.message || err);
    $('error').hidden = false;
    status('error', 'error');
  }
  busy = false;
  if (again) refresh();
}

// ---- charts -----------------------------------------------------------------------------------

function year(d) {
  return Number(d.slice(0, 4)) + (Number(d.slice(5, 7)) - 1) / 12;
}

// A time chart's frame: x from the dates, y over [lo, hi].
function frame(dates, lo, hi, w, h) {
  const m = { l: 38, r: 14, t: 16, b: 24 };
  const x0 = year(dates[0]);
  const x1 = Math.max(year(dates[dates.length - 1]), x0 + 1 / 12);
  const X = (k) => m.l + ((year(dates[k]) - x0) / (x1 - x0)) * (w - m.l - m.r);
  const Y = (v) => m.t + (1 - (v - lo) / (hi - lo)) * (h - m.t - m.b);
  const parts = [];
  const span = hi - lo;
  const ystep = span > 0.6 ? 0.25 : span > 0.3 ? 0.1 : 0.05;
  for (let v = Math.ceil(lo / ystep) * ystep; v <= hi + 1e-9; v += ystep) {
    parts.push(`<line x1="${m.l}" x2="${w - m.r}" y1="${Y(v)}" y2="${Y(v)}" stroke="#e6e6e6"/>`);
    parts.push(`<text x="${m.l - 5}" y="${Y(v) + 4}" font-size="11" text-anchor="end" fill="#555">${v.toFixed(2)}</text>`);
  }
  const years = Math.floor(x1) - Math.ceil(x0);
  const every = years > 24 ? 5 : years > 10 ? 2 : 1;
  for (let y = Math.ceil(x0); y <= x1 + 1e-9; y++) {
    if (y % every) continue;
    const px = m.l + ((y - x0) / (x1 - x0)) * (w - m.l - m.r);
    parts.push(`<line x1="${px}" x2="${px}" y1="${h - m.b}" y2="${h - m.b + 4}" stroke="#888"/>`);
    // The last year's label ends at the edge instead of running past it.
    const anchor = px > w - 20 ? 'end' : 'middle';
    parts.push(`<text x="${px}" y="${h - m.b + 16}" font-size="11" text-anchor="${anchor}" fill="#555">${y}</text>`);
  }
  parts.push(`<line x1="${m.l}" x2="${w - m.r}" y1="${h - m.b}" y2="${h - m.b}" stroke="#888"/>`);
  return { X, Y, m, parts };
}

function area(f, lo, hi) {
  const n = lo.length;
  let d = '';
  for (let k = 0; k < n; k++) d += (k ? 'L' : 'M') + f.X(k).toFixed(1) + ',' + f.Y(hi[k]).toFixed(1);
  for (let k = n - 1; k >= 0; k--) d += 'L' + f.X(k).toFixed(1) + ',' + f.Y(lo[k]).toFixed(1);
  return d + 'Z';
}

function line(f, ys) {
  return ys.map((v, k) => (k ? 'L' : 'M') + f.X(k).toFixed(1) + ',' + f.Y(v).toFixed(1)).join('');
}

// One state's alignment: for each patron the 90 % and 50 % bands and the median; B's median
// dashed; the decisions that concern the state marked above the plot.
function stateChart(i) {
  const A = results.a;
  const B = results.b;
  const st = A.states[i];
  const w = 440;
  const h = 230;
  const f = frame(A.dates, 0, 1, w, h);
  const p = f.parts;
  const multi = A.summary.provenance.runs > 1;
  A.patrons.forEach((pa, j) => {
    const band = st.shares[j];
    if (multi) {
      p.push(`<path d="${area(f, band.p5, band.p95)}" fill="${pa.color}" fill-opacity="0.12"/>`);
      p.push(`<path d="${area(f, band.p25, band.p75)}" fill="${pa.color}" fill-opacity="0.25"/>`);
    }
    p.push(`<path class="median" data-patron="${esc(pa.id)}" d="${line(f, band.p50)}" fill="none" stroke="${pa.color}" stroke-width="2.2"/>`);
    if (B) {
      p.push(`<path class="median-b" d="${line(f, B.states[i].shares[j].p50)}" fill="none" stroke="${pa.color}" stroke-width="2" stroke-dasharray="5 3"/>`);
    }
  });
  // Marks: decisions in at least a fifth of the runs, scripted events that name the state.
  const marks = A.marks.filter((mk) => mk.states.includes(st.id) && (mk.kind === 'event' ? true : mk.share >= 0.2));
  for (const mk of marks) {
    const x = f.X(mk.t);
    const title = `${mk.date} ${mk.text}${multi ? ' (' + pct(mk.share) + ' of runs)' : ''}`;
    if (mk.kind === 'event') {
      p.push(`<g><title>${esc(title)}</title><line x1="${x}" x2="${x}" y1="${h - f.m.b}" y2="${h - f.m.b - 8}" stroke="#333" stroke-width="1.5"/></g>`);
    } else {
      p.push(`<g class="mark"><title>${esc(title)}</title><line x1="${x}" x2="${x}" y1="${f.m.t}" y2="${h - f.m.b}" stroke="#999" stroke-dasharray="2 3"/><path d="M${x - 5},${f.m.t - 9}L${x + 5},${f.m.t - 9}L${x},${f.m.t - 1}Z" fill="#333"/></g>`);
    }
  }
  // The largest change B makes to a final median.
  let delta = '';
  if (B) {
    const last = A.dates.length - 1;
    let best = null;
    A.patrons.forEach((pa, j) => {
      const d = B.states[i].shares[j].p50[last] - st.shares[j].p50[last];
      if (!best || Math.abs(d) > Math.abs(best.d)) best = { id: pa.id, d };
    });
    if (best) delta = `B − A at the end: <b>${best.id} ${signed(best.d)}</b>`;
  }
  return `<div class="chart" data-state="${esc(st.id)}"><h3>${esc(st.name)} (${esc(st.id)})</h3><p class="delta">${delta}</p>
<svg viewBox="0 0 ${w} ${h}" role="img" aria-label="alignment of ${esc(st.name)}">${p.join('')}</svg></div>`;
}

function legend() {
  const A = results.a;
  const items = A.patrons.map((p) => `<span><i style="background:${p.color}"></i>${esc(p.id)}</span>`);
  if (results.b) items.push('<span><i class="dash" style="border-color:#333"></i>B (median)</span>');
  items.push('<span>▼ a decision that concerns the state (hover for it)</span><span>| a scripted event</span>');
  return `<div class="legend">${items.join('')}</div>`;
}

// The triangle: patron 0 bottom left, 1 bottom right, 2 at the top (three patrons only).
function ternary() {
  const A = results.a;
  const B = results.b;
  if (A.patrons.length !== 3) return '<p class="hint">The triangle needs exactly three patrons.</p>';
  const w = 440;
  const h = 400;
  const c = [[50, 350], [390, 350], [220, 350 - 340 * Math.sqrt(3) / 2]];
  const P = (s) => [s[0] * c[0][0] + s[1] * c[1][0] + s[2] * c[2][0], s[0] * c[0][1] + s[1] * c[1][1] + s[2] * c[2][1]];
  const p = [];
  p.push(`<path d="M${c[0]}L${c[1]}L${c[2]}Z" fill="#fcfcfc" stroke="#888"/>`);
  // Grid lines at one third and two thirds toward each patron.
  for (const t of [1 / 3, 2 / 3]) {
    for (let j = 0; j < 3; j++) {
      const a = [0, 0, 0];
      const b = [0, 0, 0];
      a[j] = t; b[j] = t;
      a[(j + 1) % 3] = 1 - t; b[(j + 2) % 3] = 1 - t;
      p.push(`<line x1="${P(a)[0]}" y1="${P(a)[1]}" x2="${P(b)[0]}" y2="${P(b)[1]}" stroke="#eee"/>`);
    }
  }
  A.patrons.forEach((pa, j) => {
    const [x, y] = c[j];
    const dy = j === 2 ? -10 : 22;
    p.push(`<text x="${x}" y="${y + dy}" font-size="14" font-weight="700" text-anchor="middle" fill="${pa.color}">${esc(pa.id)}</text>`);
  });
  const labels = [];
  const path = (res, i) => {
    const s = res.states[i].shares;
    return s[0].mean.map((_, k) => P([s[0].mean[k], s[1].mean[k], s[2].mean[k]]));
  };
  A.states.forEach((st, i) => {
    const col = STATE_COLORS[i % STATE_COLORS.length];
    const pts = path(A, i);
    p.push(`<path d="${pts.map((q, k) => (k ? 'L' : 'M') + q[0].toFixed(1) + ',' + q[1].toFixed(1)).join('')}" fill="none" stroke="${col}" stroke-width="2"/>`);
    p.push(`<circle cx="${pts[0][0]}" cy="${pts[0][1]}" r="3.5" fill="#fff" stroke="${col}" stroke-width="2"/>`);
    const end = pts[pts.length - 1];
    p.push(`<circle cx="${end[0]}" cy="${end[1]}" r="4" fill="${col}"/>`);
    labels.push({ x: end[0] + 8, y: end[1] + 4, text: st.id, col });
    if (B) {
      const q = path(B, i);
      p.push(`<path d="${q.map((r, k) => (k ? 'L' : 'M') + r[0].toFixed(1) + ',' + r[1].toFixed(1)).join('')}" fill="none" stroke="${col}" stroke-width="1.6" stroke-dasharray="5 3"/>`);
      const e = q[q.length - 1];
      p.push(`<rect x="${e[0] - 3.5}" y="${e[1] - 3.5}" width="7" height="7" fill="${col}"/>`);
    }
  });
  // Labels that would overlap are pushed apart vertically.
  labels.sort((a, b) => a.y - b.y);
  for (let k = 1; k < labels.length; k++) {
    for (let j = 0; j < k; j++) {
      const a = labels[j];
      const b = labels[k];
      if (Math.abs(a.x - b.x) < 34 && b.y - a.y < 13) b.y = a.y + 13;
    }
  }
  for (const l of labels) {
    p.push(`<text x="${l.x.toFixed(1)}" y="${l.y.toFixed(1)}" font-size="12" font-weight="600" fill="${l.col}" stroke="#fff" stroke-width="3" paint-order="stroke">${esc(l.text)}</text>`);
  }
  const note = B ? '<p class="hint">Solid: A (dot at the end); dashed: B (square at the end).</p>' : '';
  return `${note}<svg viewBox="0 0 ${w} ${h}" role="img" aria-label="the triangle">${p.join('')}</svg>`;
}

function indicesChart() {
  const A = results.a;
  const B = results.b;
  const w = 440;
  const h = 260;
  // The axis is fitted to the data (the indices rarely span 0 to 1).
  let lo = 1;
  let hi = 0;
  for (const r of [A, B]) {
    if (!r) continue;
    for (const ix of r.indices) {
      lo = Math.min(lo, ...ix.band.p25);
      hi = Math.max(hi, ...ix.band.p75);
    }
  }
  lo = Math.max(0, Math.floor(lo * 10) / 10);
  hi = Math.min(1, Math.ceil(hi * 10) / 10);
  if (hi - lo < 0.2) hi = Math.min(1, lo + 0.2);
  const f = frame(A.dates, lo, hi, w, h);
  const p = f.parts;
  const items = [];
  A.indices.forEach((ix, j) => {
    const col = INDEX_COLORS[j % INDEX_COLORS.length];
    if (A.summary.provenance.runs > 1) p.push(`<path d="${area(f, ix.band.p25, ix.band.p75)}" fill="${col}" fill-opacity="0.2"/>`);
    p.push(`<path d="${line(f, ix.band.p50)}" fill="none" stroke="${col}" stroke-width="2.2"/>`);
    if (B) p.push(`<path d="${line(f, B.indices[j].band.p50)}" fill="none" stroke="${col}" stroke-width="2" stroke-dasharray="5 3"/>`);
    items.push(`<span><i style="background:${col}"></i>${esc(INDEX_WORDS[ix.key] || ix.key.replace(/_/g, ' '))}</span>`);
  });
  if (B) items.push('<span><i class="dash" style="border-color:#333"></i>B</span>');
  return `<div class="legend">${items.join('')}</div><svg viewBox="0 0 ${w} ${h}" role="img" aria-label="indices">${p.join('')}</svg>`;
}

// ---- tables -----------------------------------------------------------------------------------

function cell(s, multi) {
  return multi ? `${f2(s.mean)} <small>[${f2(s.p5)}–${f2(s.p95)}]</small>` : f2(s.mean);
}

function finalsTable() {
  const A = results.a;
  const B = results.b;
  // Side by side, the means only: the table stays narrow enough for a phone.
  const multi = A.summary.provenance.runs > 1 && !B;
  const pats = A.patrons.map((p) => p.id);
  let head = '<tr><th>state</th>';
  for (const id of pats) head += B ? `<th>${id} A</th><th>${id} B</th><th>B − A</th>` : `<th>${id}</th>`;
  head += '</tr>';
  const rows = A.summary.final_alignment.map((fa, i) => {
    let r = `<tr data-state="${esc(fa.actor)}"><td>${esc(fa.actor)}</td>`;
    for (const id of pats) {
      const a = fa.shares[id];
      r += `<td data-patron="${id}" data-mean="${a.mean}">${cell(a, multi)}</td>`;
      if (B) {
        const b = B.summary.final_alignment[i].shares[id];
        const d = b.mean - a.mean;
        const cls = Math.abs(d) >= 0.05 ? (d > 0 ? ' up' : ' down') : '';
        r += `<td data-side="b" data-mean="${b.mean}">${cell(b, multi)}</td><td class="diff${cls}">${signed(d)}</td>`;
      }
    }
    return r + '</tr>';
  });
  const idx = Object.keys(INDEX_WORDS).filter((k) => k in A.summary.final_indices);
  let irows = `<tr><th>index at the end</th><th>${B ? 'A' : ''}</th>${B ? '<th>B</th><th>B − A</th>' : ''}</tr>`;
  for (const k of idx) {
    const a = A.summary.final_indices[k];
    irows += `<tr data-index="${k}"><td>${esc(INDEX_WORDS[k])}</td><td data-mean="${a.mean}">${cell(a, multi)}</td>`;
    if (B) {
      const b = B.summary.final_indices[k];
      const d = b.mean - a.mean;
      const cls = Math.abs(d) >= 0.05 ? (d > 0 ? ' up' : ' down') : '';
      irows += `<td data-side="b" data-mean="${b.mean}">${cell(b, multi)}</td><td class="diff${cls}">${signed(d)}</td>`;
    }
    irows += '</tr>';
  }
  const runs = A.summary.provenance.runs;
  const note = `<caption class="hint">${B ? `Mean across ${runs} runs; B − A highlighted from 0.05.` : runs > 1 ? `Mean [5 %–95 %] across ${runs} runs.` : 'One run.'}</caption>`;
  return note + '<thead>' + head + '</thead><tbody>' + rows.join('') + irows + '</tbody>';
}

function decisionsTable() {
  const A = results.a;
  const B = results.b;
  const decisions = (r) => r.marks.filter((m) => m.kind !== 'event');
  const a = decisions(A);
  const rows = [];
  const seen = new Set();
  const bmap = new Map(B ? decisions(B).map((m) => [m.key, m]) : []);
  for (const m of a) {
    seen.add(m.key);
    rows.push({ date: m.date, text: m.text, a: m.share, b: B ? (bmap.get(m.key) || { share: 0 }).share : null });
  }
  if (B) {
    for (const m of decisions(B)) if (!seen.has(m.key)) rows.push({ date: m.date, text: m.text, a: 0, b: m.share });
    rows.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
  }
  const shown = showAllDecisions ? rows : rows.slice(0, MAX_DECISIONS);
  $('all-decisions').hidden = rows.length <= MAX_DECISIONS;
  $('all-decisions').textContent = showAllDecisions ? 'Show the first ' + MAX_DECISIONS : `Show all ${rows.length}`;
  const head = `<tr><th>date</th><th>${B ? 'A' : 'runs'}</th>${B ? '<th>B</th>' : ''}<th>decision</th></tr>`;
  const body = shown.map((r) => {
    const differs = B && Math.abs(r.b - r.a) >= 0.1;
    return `<tr${differs ? ' class="differs"' : ''}><td>${esc(r.date)}</td><td>${pct(r.a)}</td>${B ? `<td>${pct(r.b)}</td>` : ''}<td class="text">${esc(r.text)}</td></tr>`;
  });
  const note = B ? '<caption class="hint">Highlighted: the share of runs differs by 10 points or more.</caption>' : '';
  return note + '<thead>' + head + '</thead><tbody>' + (body.join('') || '<tr><td colspan="4">(none)</td></tr>') + '</tbody>';
}

function downloads() {
  const files = ['trajectories.csv', 'indices.csv', 'events.csv', 'partnership.csv', 'summary.json', 'report.html'];
  const sides = state.compare ? ['a', 'b'] : ['a'];
  return sides.map((s) => {
    const q = query(s).toString();
    const links = files.map((f) => `<a href="/download/${f}?${q}" download="${esc(state.scenario)}_${s}_${f}">${f}</a>`).join('');
    return `<p>${state.compare ? `<b>${s.toUpperCase()}</b> ` : ''}${links}</p>`;
  }).join('');
}

function render() {
  const A = results.a;
  $('cmd-a').innerHTML = (state.compare ? '<span class="side">A</span>  ' : '') + esc(A.command);
  $('cmd-b').hidden = !results.b;
  if (results.b) $('cmd-b').innerHTML = '<span class="side">B</span>  ' + esc(results.b.command);
  $('finals').innerHTML = finalsTable();
  const multi = A.summary.provenance.runs > 1;
  $('states-hint').textContent = multi
    ? `Share toward each patron: median (line), 50 % and 90 % of ${A.summary.provenance.runs} runs (bands).`
    : 'Share toward each patron in one run.';
  $('legend').innerHTML = legend();
  $('states').innerHTML = A.states.map((_, i) => stateChart(i)).join('');
  $('ternary').innerHTML = ternary();
  $('indices').innerHTML = indicesChart();
  $('decisions').innerHTML = decisionsTable();
  $('downloads').innerHTML = downloads();
  document.body.dataset.rendered = String(Number(document.body.dataset.rendered || 0) + 1);
}

// ---- start ------------------------------------------------------------------------------------

async function loadScenario() {
  meta = await fetchJson('/api/meta?scenario=' + encodeURIComponent(state.scenario));
  $('description').textContent = meta.description;
  document.title = `${meta.name} — simulate lab`;
  buildControls();
  showControls();
}

async function start() {
  readUrl();
  try {
    const list = await fetchJson('/api/scenarios');
    $('scenario').innerHTML = list.scenarios.map((s) => `<option value="${esc(s.name)}">${esc(s.name)}</option>`).join('');
    if (!list.scenarios.some((s) => s.name === state.scenario)) state.scenario = list.first;
    await loadScenario();
  } catch (err) {
    $('error').textContent = String(err.message || err);
    $('error').hidden = false;
    status('error', 'error');
    return;
  }
  $('scenario').addEventListener('change', async () => {
    state.scenario = $('scenario').value;
    state.a = side();
    state.b = side();
    state.seed = '';
    await loadScenario();
    changed();
  });
  $('runs').addEventListener('change', () => {
    const n = parseInt($('runs').value, 10);
    if (n >= 1 && n <= 2000) {
      state.runs = n;
      changed();
    }
  });
  $('seed').addEventListener('change', () => {
    const v = $('seed').value.trim();
    // Seeds are at most 2^53 - 1, as on the command line (the page shows the command).
    if (v === '' || (/^\d+$/.test(v) && BigInt(v) <= 9007199254740991n)) {
      state.seed = v;
      changed();
    }
  });
  $('compare').addEventListener('change', () => {
    state.compare = $('compare').checked;
    if (state.compare && !Object.keys(state.b.set).length && !state.b.without.length && !state.b.lens) {
      state.b = JSON.parse(JSON.stringify(state.a));
    }
    state.edit = state.compare ? 'b' : 'a';
    showControls();
    changed();
  });
  for (const s of ['a', 'b']) {
    $('tab-' + s).addEventListener('click', () => {
      state.edit = s;
      showControls();
    });
  }
  $('copy-ab').addEventListener('click', () => {
    state.b = JSON.parse(JSON.stringify(state.a));
    showControls();
    changed();
  });
  $('lens').addEventListener('change', () => {
    state[state.edit].lens = $('lens').value;
    changed();
  });
  $('reset').addEventListener('click', () => {
    state[state.edit] = side();
    showControls();
    changed();
  });
  $('all-decisions').addEventListener('click', () => {
    showAllDecisions = !showAllDecisions;
    $('decisions').innerHTML = decisionsTable();
  });
  writeUrl();
  refresh();
}

start();
