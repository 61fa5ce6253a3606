// The page: streams a prompt through the graph (the texts grow as they are decoded, the scores
// appear as the classifier answers), shows the answer, then draws the request's trace as a waterfall.
'use strict';

const $ = (selector) => document.querySelector(selector);
const INTEGERS = ['max_new_tokens', 'top_k', 'seed', 'num_return_sequences'];
const NUMBERS = ['temperature', 'top_p'];

function parameters(form) {
  const parameters = {};
  for (const name of INTEGERS.concat(NUMBERS)) {
    const value = form.elements[name].value.trim();
    if (value !== '') {
      parameters[name] = INTEGERS.includes(name) ? parseInt(value, 10) : parseFloat(value);
    }
  }
  if (form.elements.do_sample.value !== '') {
    parameters.do_sample = form.elements.do_sample.value === 'true';
  }
  return parameters;
}

function status(text, error) {
  $('#status').textContent = text;
  $('#status').className = error ? 'error' : '';
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
}

function showAnswer(answer) {
  const body = $('#results tbody');
  body.replaceChildren();
  for (const entry of answer) {
    const row = body.insertRow();
    row.className = 'result';
    cell(row, entry.model);
    cell(row, entry.label);
    cell(row, entry.score.toFixed(4));
    cell(row, String(entry.new_tokens));
    cell(row, entry.generated, 'generated');
  }
}

// The row of one sequence while it streams, created the first time the sequence is heard of.
function streamingRow(rows, model, index) {
  const key = model + '#' + index;
  if (!rows.has(key)) {
    const row = $('#results tbody').insertRow();
    row.className = 'result streaming';
    cell(row, model);
    cell(row, '');
    cell(row, '');
    cell(row, '0');
    cell(row, $('#prompt').value, 'generated');
    rows.set(key, row);
  }
  return rows.get(key);
}

function onEvent(rows, name, data) {
  if (name === 'token') {
    const row = streamingRow(rows, data.model, data.index);
    row.cells[4].textContent += data.text;
    row.cells[3].textContent = String(Number(row.cells[3].textContent) + 1);
  } else if (name === 'generated') {
    const row = streamingRow(rows, data.model, data.index);
    row.cells[4].textContent = data.generated;
    row.cells[3].textContent = String(data.new_tokens);
  } else if (name === 'classified') {
    const row = streamingRow(rows, data.model, data.index);
    row.cells[1].textContent = data.label;
    row.cells[2].textContent = data.score.toFixed(4);
  }
}

// Reads server-sent events off a fetch body as they arrive; returns the done event's answer.
async function readEvents(response, rows) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error('the stream ended without an answer');
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = (/^event: (.*)$/m.exec(block) || [])[1];
      const data = (/^data: (.*)$/m.exec(block) || [])[1];
      if (!name || data === undefined) continue; // a heartbeat comment
      const parsed = JSON.parse(data);
      if (name === 'done') return { ok: true, body: parsed };
      if (name === 'error') return { ok: false, body: parsed };
      onEvent(rows, name, parsed);
    }
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Spans end as the answer leaves, so the root span may land a moment after the answer: retry briefly.
async function loadTrace(traceId) {
  let trace = null;
  for (let attempt = 0; attempt < 10 && !(trace && trace.complete); attempt++) {
    if (attempt > 0) await sleep(100);
    const response = await fetch('/traces/' + traceId);
    if (response.ok) trace = await response.json();
  }
  return trace;
}

function stageOf(address) {
  const match = /^graph\.(generate|classify)\.(.+)$/.exec(address || '');
  return match ? { stage: match[1], model: match[2] } : null;
}

function describe(span) {
  const bus = stageOf(span.attributes['messaging.destination.name']);
  if (bus) {
    return span.kind === 'CLIENT'
      ? { role: bus.stage + '-call', label: 'event bus → ' + bus.stage + ' ' + bus.model }
      : { role: bus.stage + '-serve', label: bus.model + ' worker' };
  }
  const model = span.attributes['gen_ai.request.model'];
  if (model) {
    const a = span.attributes;
    const details = a['inference.batch_size'] === undefined ? '' : ' (batch ' + a['inference.batch_size']
      + ', queue ' + Number(a['inference.queue_time_ms']).toFixed(1) + ' ms)';
    return { role: span.name.split(' ')[0] + '-inference', label: span.name + details };
  }
  if (span.kind === 'SERVER') return { role: 'http', label: span.name };
  return { role: 'other', label: span.name };
}

// Depth-first, children in start order, so each call sits above what it caused.
function treeOrder(spans) {
  const ids = new Set(spans.map((s) => s.span_id));
  const children = new Map();
  for (const span of spans) {
    const parent = ids.has(span.parent_span_id) ? span.parent_span_id : null;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(span);
  }
  const ordered = [];
  const visit = (parent, depth) => {
    for (const span of (children.get(parent) || []).sort((a, b) => a.start_us - b.start_us)) {
      ordered.push({ span, depth });
      visit(span.span_id, depth + 1);
    }
  };
  visit(null, 0);
  return ordered;
}

function bar(span, t0, total, role) {
  const element = document.createElement('div');
  element.className = 'bar' + (span.error ? ' error' : '');
  element.dataset.role = role;
  element.dataset.spanId = span.span_id;
  element.style.left = ((span.start_us - t0) / total * 100) + '%';
  element.style.width = ((span.end_us - span.start_us) / total * 100) + '%';
  element.title = span.name + ': ' + span.duration_ms.toFixed(2) + ' ms\n' + JSON.stringify(span.attributes, null, 1);
  const queueMs = span.attributes['inference.queue_time_ms'];
  if (queueMs > 0 && span.end_us > span.start_us) {
    const queue = document.createElement('div');
    queue.className = 'queue';
    queue.style.width = Math.min(100, queueMs * 1000 / (span.end_us - span.start_us) * 100) + '%';
    element.appendChild(queue);
  }
  return element;
}

function drawWaterfall(trace) {
  const waterfall = $('#waterfall');
  waterfall.replaceChildren();
  const t0 = Math.min(...trace.spans.map((s) => s.start_us));
  const t1 = Math.max(...trace.spans.map((s) => s.end_us));
  const total = Math.max(t1 - t0, 1);
  for (const { span, depth } of treeOrder(trace.spans)) {
    const { role, label } = describe(span);
    const row = document.createElement('div');
    row.className = 'row';
    const name = document.createElement('div');
    name.className = 'label';
    name.style.paddingLeft = (depth * 14) + 'px';
    name.textContent = label;
    const track = document.createElement('div');
    track.className = 'track';
    track.appendChild(bar(span, t0, total, role));
    row.append(name, track);
    waterfall.appendChild(row);
  }
  const axis = document.createElement('div');
  axis.className = 'axis';
  axis.innerHTML = '<span>0 ms</span><span></span>';
  axis.lastChild.textContent = (total / 1000).toFixed(1) + ' ms';
  waterfall.appendChild(axis);
  waterfall.dataset.state = 'drawn';
}

async function run(event) {
  event.preventDefault();
  const form = event.target;
  $('#run').disabled = true;
  $('#waterfall').dataset.state = 'loading';
  status('running…');
  const started = performance.now();
  try {
    $('#results tbody').replaceChildren();
    $('#answer').textContent = '';
    const response = await fetch('/classify_generated_texts', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept': 'text/event-stream' },
      body: JSON.stringify({ text: form.elements.prompt.value, parameters: parameters(form) }),
    });
    const streamed = (response.headers.get('content-type') || '').startsWith('text/event-stream');
    const result = streamed ? await readEvents(response, new Map())
      : { ok: response.ok, body: await response.json() };
    const body = result.body;
    const traceId = response.headers.get('x-trace-id');
    $('#answer').textContent = JSON.stringify(body, null, 2);
    $('#trace-id').textContent = traceId ? 'trace ' + traceId : '';
    const elapsed = (performance.now() - started).toFixed(0) + ' ms';
    if (!result.ok) {
      status((streamed ? 'stream' : response.status) + ' ' + body.error_type + ': ' + body.error, true);
      $('#results tbody').replaceChildren();
    } else {
      status('200 in ' + elapsed);
      showAnswer(body);
    }
    const trace = traceId ? await loadTrace(traceId) : null;
    if (trace) drawWaterfall(trace);
    else $('#waterfall').dataset.state = 'unavailable';
  } catch (error) {
    status(String(error), true);
  } finally {
    $('#run').disabled = false;
  }
}

$('#request').addEventListener('submit', run);
