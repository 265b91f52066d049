// The web page: plain JavaScript over the HTTP API (DESIGN.md), charts by uPlot.
'use strict';

const $ = (selector) => document.querySelector(selector);
const TOKEN_KEY = 'resnet-service.token';
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

// ---- API: JSON calls, problem+json errors, the token asked for once --------------------------

class ApiError extends Error {
  constructor(problem) {
    super(problem.detail || problem.title || 'request failed');
    this.problem = problem;
  }
}

// The token lives in this tab's session storage, and only once the API has accepted it: a typo is
// never kept, and closing the tab forgets it.
let pendingToken = null;

async function api(method, url, body) {
  const headers = {};
  const token = pendingToken || sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined && !(body instanceof FormData)) headers['Content-Type'] = 'application/json';
  const response = await fetch(url, {
    method, headers,
    body: body === undefined || body instanceof FormData ? body : JSON.stringify(body),
  });
  if (response.status === 401) {
    if (token === pendingToken) pendingToken = null;
    sessionStorage.removeItem(TOKEN_KEY);
    if (await askToken(token ? 'That token was refused.' : '')) return api(method, url, body);
  } else if (pendingToken && token === pendingToken) {
    sessionStorage.setItem(TOKEN_KEY, pendingToken);
    pendingToken = null;
    await openSession(token);
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(data || { status: response.status, title: response.statusText });
  return data;
}

/**
 * Shows the token dialog; resolves true when a token was given (kept once a call with it succeeds).
 * Calls refused at the same moment (the page's first reads, when reads are guarded) share one dialog.
 */
let asking = null;
function askToken(message) {
  if (asking) return asking;
  const dialog = $('#token-dialog');
  $('#token-error').textContent = message;
  $('#token-input').value = '';
  asking = new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      const token = $('#token-input').value.trim();
      asking = null;
      if (dialog.returnValue === 'ok' && token) {
        pendingToken = token;
        resolve(true);
      } else {
        resolve(false);
      }
    }, { once: true });
    dialog.showModal();
  });
  return asking;
}

/**
 * The read cookie (HttpOnly, SameSite=Strict): the event stream and the download links cannot send
 * the token in a header, and a token in their URLs would land in access logs.
 */
function openSession(token) {
  return fetch('/session', { method: 'POST', headers: { Authorization: `Bearer ${token}` } }).catch(() => {});
}

const percent = (x) => (x == null ? '–' : `${(100 * x).toFixed(2)} %`);
const fixed = (x, digits) => (x == null ? '–' : Number(x).toFixed(digits));
const whole = (x) => (x == null ? '–' : Math.round(x).toLocaleString('en'));
// A diverged loss (38467.5820) needs no decimals, and without them its column fits a phone.
const lossValue = (x) => (x != null && Math.abs(x) >= 1000 ? whole(x) : fixed(x, 4));

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** Text cut with an ellipsis where its column is narrow; the whole of it in the tooltip. */
function clipped(text) {
  const span = document.createElement('span');
  span.className = 'clip';
  span.textContent = text;
  span.title = text;
  return span;
}

function button(label, onClick, attributes = {}) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  Object.entries(attributes).forEach(([k, v]) => b.setAttribute(k, v));
  b.addEventListener('click', onClick);
  return b;
}

// ---- Service status --------------------------------------------------------------------------

async function showStatus() {
  try {
    const health = await fetch('/q/health/ready').then((r) => r.json());
    const data = Object.assign({}, ...health.checks.map((c) => c.data || {}));
    $('#service-status').textContent = `${health.status === 'UP' ? 'ready' : 'not ready'}`
      + (data.device ? ` · ${data.device}` : '') + (data.engine ? ` · ${data.engine} ${data.version || ''}` : '');
  } catch (e) {
    $('#service-status').textContent = 'service unreachable';
  }
}

// ---- Jobs list and the new-job form ----------------------------------------------------------

let jobs = [];

async function refreshJobs() {
  try {
    jobs = await api('GET', '/jobs');
  } catch (e) {
    return;
  }
  const body = $('#job-list tbody');
  body.replaceChildren();
  for (const job of [...jobs].reverse()) {
    const row = body.insertRow();
    row.dataset.job = job.id;
    if (job.id === view.id) row.classList.add('selected');
    const best = Math.max(...job.history.map((h) => h.testAccuracy));
    cell(row, '').append(button(job.id, () => openJob(job.id), { class: 'link mono', 'aria-label': `View job ${job.id}` }));
    cell(row, job.state, `state ${job.state}`);
    cell(row, `${job.epoch}/${job.epochs}`);
    cell(row, job.history.length ? percent(best) : '–');
    const device = cell(row, '', 'optional');
    device.append(clipped(job.device || '–'));
  }
  $('#no-jobs').hidden = jobs.length > 0;
  if (view.id) updateActions(jobs.find((j) => j.id === view.id)?.state);
}

let recipes = {};

async function loadRecipes() {
  recipes = await api('GET', '/recipes');
  fillForm('seed');
}

/** Puts a recipe's every value in the form; the data set and the limits are left as they are. */
function fillForm(name) {
  const form = $('#job-form');
  for (const [field, value] of flatten(recipes[name])) {
    const input = form.elements.namedItem(field);
    if (!input || value == null || field.startsWith('dataset.')) continue;
    if (input.type === 'checkbox') input.checked = value;
    else input.value = value;
  }
  form.elements.namedItem('recipe').value = name;
  sgdOnly();
}

/** Momentum and Nesterov are SGD's: off (and not sent) for the other optimisers. */
function sgdOnly() {
  const sgd = $('#optimizer-name').value === 'sgd';
  document.querySelectorAll('[data-sgd-only]').forEach((input) => { input.disabled = !sgd; });
}

/** [['optimizer.lr', 0.01], ...] for a nested spec. */
function flatten(object, prefix = '') {
  return Object.entries(object).flatMap(([key, value]) => (value !== null && typeof value === 'object'
    ? flatten(value, `${prefix}${key}.`) : [[`${prefix}${key}`, value]]));
}

/** The form as a POST /jobs body: empty fields are left out (the service's defaults apply). */
function specFromForm(form) {
  const spec = {};
  for (const input of form.querySelectorAll('input, select')) {
    if (!input.name || input.disabled || (input.type !== 'checkbox' && input.value.trim() === '')) continue;
    const path = input.name.split('.');
    let target = spec;
    path.slice(0, -1).forEach((key) => { target = target[key] = target[key] || {}; });
    target[path.at(-1)] = input.type === 'checkbox' ? input.checked
      : input.type === 'number' ? Number(input.value) : input.value.trim();
  }
  return spec;
}

function clearFieldErrors(form) {
  form.querySelectorAll('.field-error').forEach((e) => e.remove());
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  $('#job-form-error').textContent = '';
}

async function submitJob(event) {
  event.preventDefault();
  const form = event.target;
  clearFieldErrors(form);
  try {
    const job = await api('POST', '/jobs', specFromForm(form));
    await refreshJobs();
    openJob(job.id);
  } catch (e) {
    const field = e.problem?.field && form.elements.namedItem(e.problem.field);
    if (field) {
      const message = document.createElement('span');
      message.className = 'field-error error';
      message.id = `error-${e.problem.field}`;
      message.textContent = e.message;
      field.setAttribute('aria-invalid', 'true');
      field.setAttribute('aria-describedby', message.id);
      field.closest('label').append(message);
      field.focus();
    } else {
      $('#job-form-error').textContent = e.message;
    }
  }
}

// ---- One job, live from its event stream -----------------------------------------------------

// logScale: the user's choice for the loss chart, null until they make one (then the data decides).
const view = { id: null, source: null, lastSeq: 0, loss: null, lossLog: false, accuracy: null, rows: [], epochs: [],
  logScale: null };

function openJob(id) {
  if (view.source) view.source.close();
  Object.assign(view, { id, source: null, lastSeq: 0, rows: [], epochs: [], logScale: null });
  $('#job-view').hidden = false;
  $('#job-title').textContent = `Job ${id}`;
  $('#job-error').textContent = '';
  $('#epochs tbody').replaceChildren();
  $('#samples').replaceChildren();
  $('#samples-model').textContent = '';
  setProgress(null);
  drawCharts();
  document.querySelectorAll('#job-list tr').forEach((r) => r.classList.toggle('selected', r.dataset.job === id));
  const job = jobs.find((j) => j.id === id);
  updateActions(job?.state);
  connect();
  $('#job-view').scrollIntoView({ block: 'start' });
}

/**
 * Follows the job's events. The browser reconnects by itself with Last-Event-ID; when it gives up,
 * this reconnects with ?after=. Sequence numbers drop anything already drawn, so a reconnect
 * neither loses nor repeats a point.
 */
function connect() {
  const id = view.id;
  const source = new EventSource(`/jobs/${id}/events${view.lastSeq ? `?after=${view.lastSeq}` : ''}`);
  view.source = source;
  for (const name of ['state', 'progress', 'epoch', 'checkpoint', 'done']) {
    source.addEventListener(name, (event) => {
      const seq = Number(event.lastEventId);
      if (view.id !== id || seq <= view.lastSeq) return;
      view.lastSeq = seq;
      $('#stream-status').textContent = '';
      handlers[name](JSON.parse(event.data));
    });
  }
  source.onerror = () => {
    if (view.source !== source) return;
    $('#stream-status').textContent = 'connection lost, reconnecting…';
    if (source.readyState === EventSource.CLOSED) setTimeout(() => { if (view.source === source) connect(); }, 2000);
  };
}

const handlers = {
  state(data) {
    showState(data.state, data.device);
    if (data.resumedFromEpoch != null) {
      // A resumed job repeats the epochs after its checkpoint: forget what they drew before.
      view.rows = view.rows.filter((r) => r[0] <= data.resumedFromEpoch);
      view.epochs = view.epochs.filter((e) => e.epoch <= data.resumedFromEpoch);
      renderEpochs();
    }
    if (data.message) $('#job-error').textContent = data.state === 'failed' ? data.message : '';
    refreshJobs();
  },
  progress(data) {
    setProgress(data);
    addRow([data.epoch - 1 + data.batch / data.batches, data.trainLoss, null, null]);
  },
  epoch(data) {
    view.epochs = view.epochs.filter((e) => e.epoch < data.epoch).concat([data]);
    addRow([data.epoch, null, data.trainLoss, data.testLoss]);
    renderEpochs();
    setProgress({ epoch: data.epoch, epochs: data.epochs, batch: 1, batches: 1 });
  },
  checkpoint() {
    loadSamplesSoon();
    refreshModels();
  },
  done(job) {
    view.source.close();
    showState(job.state, job.device);
    if (job.error) $('#job-error').textContent = job.error;
    if (job.state === 'succeeded') setProgress({ epoch: job.epochs, epochs: job.epochs, batch: 1, batches: 1 });
    refreshJobs();
    refreshModels();
    loadSamplesSoon();
  },
};

function showState(state, device) {
  const badge = $('#job-state');
  badge.textContent = state;
  badge.className = `state ${state}`;
  if (device) $('#job-device').textContent = `on ${device}`;
  updateActions(state);
}

function updateActions(state) {
  $('#cancel-job').hidden = !['queued', 'running', 'interrupted'].includes(state);
  $('#resume-job').hidden = !['interrupted', 'cancelled', 'failed'].includes(state);
}

async function jobAction(method, suffix) {
  $('#job-error').textContent = '';
  try {
    await api(method, `/jobs/${view.id}${suffix}`);
    if (suffix === '/resume' && view.source.readyState === EventSource.CLOSED) connect();
    refreshJobs();
  } catch (e) {
    $('#job-error').textContent = e.message;
  }
}

function setProgress(p) {
  const bar = $('#epoch-progress');
  const text = $('#progress-text');
  if (!p) {
    bar.value = 0;
    text.textContent = 'waiting to start';
    return;
  }
  bar.max = p.batches;
  bar.value = p.batch;
  const epochs = p.epochs || view.epochs.at(-1)?.epochs || jobs.find((j) => j.id === view.id)?.epochs;
  text.textContent = p.examplesPerSecond == null
    ? `epoch ${p.epoch}/${epochs} done`
    : `epoch ${p.epoch}/${epochs} · batch ${p.batch}/${p.batches} · ${whole(p.examplesPerSecond)} img/s`
      + ` · ETA ${whole(p.etaSeconds)} s` + (p.jobEtaSeconds == null ? '' : ` · job ETA ${duration(p.jobEtaSeconds)}`);
}

/** 45 s, 12 min, 3 h 05 min: a whole job's estimate reads at a glance. */
function duration(seconds) {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

function renderEpochs() {
  const body = $('#epochs tbody');
  body.replaceChildren();
  for (const e of view.epochs) {
    const row = body.insertRow();
    [e.epoch, lossValue(e.trainLoss), lossValue(e.testLoss), percent(e.testAccuracy)].forEach((v) => cell(row, v));
    [whole(e.trainExamplesPerSecond), whole(e.testExamplesPerSecond)].forEach((v) => cell(row, v, 'optional'));
    cell(row, fixed(e.epochSeconds, 1));
  }
  drawCharts();
}

// Rows of the loss chart: [epoch (fractional while training), running train loss, train loss, test loss].
// An epoch's end brings its last running loss and its epoch losses at one x: they share a row, as
// uPlot needs x to grow strictly (with a repeated x it leaves the later point out of the y range).
function addRow(row) {
  const same = view.rows.find((r) => r[0] === row[0]);
  view.rows = view.rows.filter((r) => r[0] < row[0]);
  view.rows.push(same && row[1] === null ? [row[0], same[1], row[2], row[3]] : row);
  drawCharts();
}

function chartOptions(el, series, yLabel, log = false) {
  return {
    width: Math.max(260, el.clientWidth), height: 220,
    scales: { x: { time: false }, ...(log ? { y: { distr: 3 } } : {}) },
    axes: [{ label: 'epoch' }, { label: yLabel }],
    series: [{ label: 'epoch' }, ...series],
  };
}

// One test-loss spike (34 against 0.03) flattens a linear axis: past two decades of positive values
// the chart starts on a log scale.
function spansTwoDecades(columns) {
  const positive = columns.flat().filter((v) => v > 0);
  return positive.length > 0 && Math.max(...positive) / Math.min(...positive) > 100;
}

let redraw = null;
function drawCharts() {
  if (redraw || !window.uPlot) return;
  redraw = requestAnimationFrame(() => {
    redraw = null;
    drawLoss();
    drawAccuracy();
  });
}

function drawLoss() {
  const el = $('#loss-chart');
  const [epochs, ...losses] = [0, 1, 2, 3].map((i) => view.rows.map((r) => r[i]));
  const log = view.logScale ?? spansTwoDecades(losses);
  // uPlot fixes a scale's distribution when it builds a chart: switching builds a new one.
  if (view.loss && view.lossLog !== log) {
    view.loss.destroy();
    view.loss = null;
  }
  const data = [epochs, ...(log ? losses.map((s) => s.map((v) => (v > 0 ? v : null))) : losses)];
  if (view.loss) {
    view.loss.setData(data);
  } else {
    view.loss = new uPlot(chartOptions(el, [
      { label: 'train (running)', stroke: '#9ab', spanGaps: true },
      { label: 'train', stroke: '#1f5fbf', width: 2, spanGaps: true, points: { show: true } },
      { label: 'test', stroke: '#c0392b', width: 2, spanGaps: true, points: { show: true } },
    ], 'loss', log), data, el);
    view.lossLog = log;
  }
  $('#loss-log').checked = log;
  el.dataset.scale = log ? 'log' : 'linear';
  el.dataset.points = view.epochs.length;
}

function drawAccuracy() {
  const el = $('#accuracy-chart');
  const accuracy = [view.epochs.map((e) => e.epoch), view.epochs.map((e) => 100 * e.testAccuracy)];
  if (view.accuracy) {
    view.accuracy.setData(accuracy);
  } else {
    view.accuracy = new uPlot(chartOptions(el, [
      { label: 'test accuracy %', stroke: '#1e8449', width: 2, points: { show: true } },
    ], '%'), accuracy, el);
  }
  el.dataset.points = accuracy[0].length;
}

window.addEventListener('resize', () => {
  for (const [chart, el] of [[view.loss, '#loss-chart'], [view.accuracy, '#accuracy-chart']]) {
    if (chart) chart.setSize({ width: Math.max(260, $(el).clientWidth), height: 220 });
  }
});

// ---- Samples: the test images with their labels and the newest checkpoint's predictions -------

let samplesTimer = null;
function loadSamplesSoon() {
  clearTimeout(samplesTimer);
  samplesTimer = setTimeout(loadSamples, 300);
}

async function loadSamples() {
  const id = view.id;
  let answer;
  try {
    answer = await api('GET', `/jobs/${id}/samples?n=10`);
  } catch (e) {
    $('#samples-model').textContent = e.message;
    return;
  }
  if (id !== view.id) return;
  $('#samples-model').textContent = answer.model ? `predicted by ${answer.model}` : 'no checkpoint yet';
  const list = $('#samples');
  list.replaceChildren();
  for (const s of answer.samples) {
    const item = document.createElement('li');
    item.className = s.correct === false ? 'wrong' : s.correct ? 'right' : '';
    const img = document.createElement('img');
    img.src = s.image;
    img.alt = `test image ${s.index}, a ${s.label}`;
    const caption = document.createElement('span');
    caption.textContent = s.predicted
      ? `${s.label} → ${s.predicted.label}${s.correct ? '' : ' ✗'}`
      : s.label;
    item.append(img, caption);
    list.append(item);
  }
}

// ---- Predict: drop or choose images, see the top classes -------------------------------------

async function classify(files) {
  $('#predict-error').textContent = '';
  if (!files.length) return;
  const form = new FormData();
  for (const file of files) form.append('file', file, file.name);
  const model = $('#predict-model').value;
  const out = $('#predictions');
  try {
    const answer = await api('POST', `/predict?topk=3${model ? `&model=${encodeURIComponent(model)}` : ''}`, form);
    out.replaceChildren();
    answer.predictions.forEach((p, i) => out.append(predictionCard(files[i], p, answer.model)));
  } catch (e) {
    $('#predict-error').textContent = e.message;
  }
}

function predictionCard(file, prediction, model) {
  const item = document.createElement('li');
  const img = document.createElement('img');
  img.src = URL.createObjectURL(file);
  img.alt = file.name;
  const details = document.createElement('div');
  const title = document.createElement('p');
  title.textContent = `${file.name}${prediction.resized ? ' (resized to 32x32)' : ''} · ${model}`;
  details.append(title);
  for (const top of prediction.top) {
    const bar = document.createElement('div');
    bar.className = 'bar';
    bar.innerHTML = '<span class="label"></span><meter min="0" max="1"></meter><span class="value"></span>';
    bar.querySelector('.label').textContent = top.label;
    bar.querySelector('meter').value = top.probability;
    bar.querySelector('meter').setAttribute('aria-label', `${top.label} probability`);
    bar.querySelector('.value').textContent = percent(top.probability);
    details.append(bar);
  }
  item.append(img, details);
  return item;
}

// ---- Models ------------------------------------------------------------------------------------

// Groups (a job's id, an import's name) whose earlier checkpoints the user opened.
const expandedGroups = new Set();

async function refreshModels() {
  let models;
  try {
    models = await api('GET', '/models');
  } catch (e) {
    return;
  }
  const table = $('#model-list');
  table.querySelectorAll('tbody').forEach((group) => group.remove());
  for (const { key, members } of modelGroups(models)) table.append(modelGroup(key, members));
  const select = $('#predict-model');
  const chosen = select.value;
  select.replaceChildren(new Option('default', ''));
  for (const m of [...models].reverse()) select.append(new Option(`${m.name} (${percent(m.testAccuracy)})`, m.name));
  select.value = [...select.options].some((o) => o.value === chosen) ? chosen : '';
}

/** Checkpoints by job (an import is a group of its own), newest first within a group and among groups. */
function modelGroups(models) {
  const groups = new Map();
  for (const m of models) {
    const key = m.job ?? m.name;
    groups.set(key, [...(groups.get(key) || []), m]);
  }
  return [...groups].map(([key, members]) => ({ key, members: members.sort((a, b) => b.epoch - a.epoch) }))
    .sort((a, b) => Date.parse(b.members[0].createdAt) - Date.parse(a.members[0].createdAt));
}

/** One group's rows: its newest checkpoint, then the earlier ones, hidden until its toggle opens them. */
function modelGroup(key, members) {
  const group = document.createElement('tbody');
  group.id = `models-${key}`;
  group.dataset.group = key;
  const expanded = expandedGroups.has(key);
  members.forEach((m, i) => {
    const row = modelRow(group, m);
    if (i > 0) {
      row.className = 'earlier';
      row.hidden = !expanded;
    }
  });
  if (members.length > 1) {
    const earlier = members.slice(1);
    const label = `${earlier.length} earlier${earlier.some((m) => m.default) ? ', the default among them' : ''}`;
    const toggle = button(label, () => {
      const open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', open);
      group.querySelectorAll('tr.earlier').forEach((row) => { row.hidden = !open; });
      if (open) expandedGroups.add(key); else expandedGroups.delete(key);
    }, { class: 'link toggle', 'aria-expanded': expanded, 'aria-controls': group.id });
    group.rows[0].cells[0].append(toggle);
  }
  return group;
}

function modelRow(group, m) {
  const row = group.insertRow();
  row.dataset.model = m.name;
  cell(row, m.name, 'mono');
  cell(row, m.architecture, 'optional');
  cell(row, percent(m.testAccuracy));
  cell(row, new Date(m.createdAt).toLocaleString(), 'optional');
  const exports = cell(row, '', 'exports');
  for (const format of ['safetensors', 'huggingface', 'onnx']) {
    const download = document.createElement('a');
    download.href = `/models/${encodeURIComponent(m.name)}/export?format=${format}`;
    download.textContent = format;
    download.setAttribute('aria-label', `Download ${m.name} as ${format}`);
    exports.append(download, ' ');
  }
  const action = cell(row, '');
  if (m.default) {
    action.textContent = 'default';
    action.className = 'default';
  } else {
    action.append(button('Make default', () => makeDefault(m.name), { 'aria-label': `Make ${m.name} the default` }));
  }
  return row;
}

async function makeDefault(name) {
  $('#models-error').textContent = '';
  try {
    await api('PUT', '/models/default', { model: name });
    refreshModels();
  } catch (e) {
    $('#models-error').textContent = e.message;
  }
}

// ---- Data sets: upload an archive, watch its import, look at its classes ---------------------

let datasets = [];

async function refreshDatasets() {
  try {
    datasets = await api('GET', '/datasets');
  } catch (e) {
    return;
  }
  const body = $('#dataset-list tbody');
  body.replaceChildren();
  for (const d of datasets) {
    const row = body.insertRow();
    row.dataset.dataset = d.name;
    cell(row, '').append(button(d.name, () => openDataset(d.name), { class: 'link', 'aria-label': `View data set ${d.name}` }));
    const progress = d.state === 'importing' && d.progress ? ` ${d.progress.done}/${d.progress.total}` : '';
    cell(row, d.state + progress, `state ${d.state}`).title = d.error || '';
    cell(row, d.classes.length ? d.classes.length : '–');
    cell(row, whole(d.images?.train));
    cell(row, whole(d.images?.test));
    cell(row, d.skipped.length, 'optional');
  }
  $('#no-datasets').hidden = datasets.length > 0;
  const select = $('#job-dataset');
  const chosen = select.value;
  select.replaceChildren(select.options[0]);
  for (const d of datasets.filter((x) => x.state === 'ready')) {
    select.add(new Option(`${d.name} (${d.classes.length} classes)`, d.name));
  }
  select.value = datasets.some((d) => d.name === chosen && d.state === 'ready') ? chosen : '';
  const shown = datasets.find((d) => d.name === shownDataset.name);
  if (shown && shown.state !== shownDataset.state) openDataset(shown.name);
  if (datasets.some((d) => d.state === 'importing')) setTimeout(refreshDatasets, 1000);
}

const shownDataset = { name: null, state: null };

async function openDataset(name) {
  let d;
  try {
    d = await api('GET', `/datasets/${encodeURIComponent(name)}`);
  } catch (e) {
    $('#upload-error').textContent = e.message;
    return;
  }
  Object.assign(shownDataset, { name: d.name, state: d.state });
  $('#dataset-view').hidden = false;
  $('#dataset-title').textContent = `Data set ${d.name}`;
  $('#dataset-summary').textContent = d.state === 'ready'
    ? `${d.source} · mean ${d.mean.join(', ')} · std ${d.std.join(', ')}`
      + (d.skipped.length ? ` · skipped: ${d.skipped.map((s) => `${s.file} (${s.reason})`).join('; ')}` : '')
    : `${d.state}${d.error ? `: ${d.error}` : ''}`;
  const body = $('#dataset-classes tbody');
  body.replaceChildren();
  const samples = d.state === 'ready' ? await api('GET', `/datasets/${encodeURIComponent(name)}/samples?perClass=4`)
    .catch(() => null) : null;
  d.classes.forEach((c, i) => {
    const row = body.insertRow();
    cell(row, c.name);
    cell(row, whole(c.train));
    cell(row, whole(c.test));
    const strip = cell(row, '', 'samples-strip');
    for (const [k, src] of (samples?.classes[i]?.images || []).entries()) {
      const img = document.createElement('img');
      img.src = src;
      img.alt = `${c.name}, training image ${k + 1}`;
      strip.append(img);
    }
  });
}

/** XMLHttpRequest, not fetch: only it reports upload progress. Asks for the token like api(). */
function uploadArchive(form, token) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/datasets');
    if (token) request.setRequestHeader('Authorization', `Bearer ${token}`);
    const bar = $('#upload-progress');
    bar.hidden = false;
    request.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) {
        bar.value = e.loaded / e.total;
        $('#upload-status').textContent = `uploading ${Math.round(100 * e.loaded / e.total)} %`;
      }
    });
    request.addEventListener('load', () => {
      const data = request.responseText ? JSON.parse(request.responseText) : null;
      if (request.status >= 200 && request.status < 300) resolve(data);
      else reject(Object.assign(new ApiError(data || { title: request.statusText }), { status: request.status }));
    });
    request.addEventListener('error', () => reject(new ApiError({ title: 'upload failed: the connection broke' })));
    request.send(new FormData(form));
  });
}

async function submitUpload(event) {
  event.preventDefault();
  const form = event.target;
  $('#upload-error').textContent = '';
  let token = sessionStorage.getItem(TOKEN_KEY);
  for (;;) {
    try {
      const d = await uploadArchive(form, token);
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      $('#upload-status').textContent = `importing ${d.name}`;
      form.reset();
      await refreshDatasets();
      openDataset(d.name);
      return;
    } catch (e) {
      if (e.status === 401 && await askToken(token ? 'That token was refused.' : '')) {
        token = pendingToken;
        pendingToken = null;
        continue;
      }
      $('#upload-status').textContent = '';
      $('#upload-error').textContent = e.message;
      return;
    } finally {
      $('#upload-progress').hidden = true;
    }
  }
}

// ---- Start -------------------------------------------------------------------------------------

document.addEventListener('DOMContentLoaded', () => {
  $('#job-form').addEventListener('submit', submitJob);
  $('#upload-form').addEventListener('submit', submitUpload);
  $('#cancel-job').addEventListener('click', () => jobAction('DELETE', ''));
  $('#resume-job').addEventListener('click', () => jobAction('POST', '/resume'));
  $('#predict-files').addEventListener('change', (e) => classify([...e.target.files]));
  const zone = $('#drop-zone');
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    classify([...e.dataTransfer.files]);
  });
  $('#recipe').addEventListener('change', (e) => fillForm(e.target.value));
  $('#optimizer-name').addEventListener('change', sgdOnly);
  $('#loss-log').addEventListener('change', (e) => {
    view.logScale = e.target.checked;
    drawCharts();
  });
  showStatus();
  const token = sessionStorage.getItem(TOKEN_KEY);
  const session = token ? openSession(token) : Promise.resolve();
  loadRecipes();
  refreshJobs().then(() => session).then(() => {
    const running = jobs.find((j) => j.state === 'running') || jobs.at(-1);
    if (running && !view.id) openJob(running.id);
  });
  refreshModels();
  refreshDatasets();
  setInterval(refreshJobs, 5000);
  setInterval(showStatus, 15000);
});
