// The page: pick a graph (GET /graphs), see it drawn (GET /graphs/NAME), fill its input fields, run it
// as a stream (each node's state and tokens as they happen), read the answer, then the trace as a
// waterfall. The seed graph (legacy_events) also fills the table of generated texts and scores.
'use strict';

const $ = (selector) => document.querySelector(selector);
const SEED = 'classify_generated_texts';
const INTEGERS = ['max_new_tokens', 'top_k', 'seed', 'num_return_sequences'];
const NUMBERS = ['temperature', 'top_p'];
let graph = null; // {name, route, input: {field: type}, nodes: [names], legacy}

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

// ---- choosing and drawing a graph ----

async function getJson(path) {
  const response = await fetch(path);
  const body = await response.json();
  if (!response.ok) throw new Error(response.status + ' ' + body.error_type + ': ' + body.error);
  return body;
}

async function loadGraphs() {
  const { graphs } = await getJson('/graphs');
  const select = $('#graph');
  select.replaceChildren(...graphs.map((g) => {
    const option = document.createElement('option');
    option.value = g.name;
    option.textContent = g.name + '  (' + g.route + ')';
    return option;
  }));
  const wanted = new URLSearchParams(location.search).get('graph');
  const names = graphs.map((g) => g.name);
  select.value = names.includes(wanted) ? wanted : names.includes(SEED) ? SEED : names[0];
  await chooseGraph(select.value);
}

async function chooseGraph(name) {
  const described = await getJson('/graphs/' + encodeURIComponent(name));
  const definition = described.definition || {};
  graph = {
    name,
    route: described.route,
    input: definition.input || {},
    nodes: Object.keys(definition.nodes || {}),
    legacy: definition.legacy_events === true,
  };
  $('#graph-route').textContent = 'POST ' + graph.route;
  $('#graph-description').textContent = definition.description || '';
  GraphDrawing.draw($('#graph-drawing'), described.mermaid, graph.nodes);
  $('#graph-drawing').dataset.graph = name;
  buildInputs(graph.input);
  resetRun();
  $('#run').disabled = false;
}

// One field per input of the graph. The first text field is the page's prompt box, moved along with
// what was typed in it (even before the graph had loaded).
const promptBox = $('#prompt');

function buildInputs(input) {
  const fields = $('#inputs');
  fields.replaceChildren();
  let prompt = promptBox;
  for (const [field, type] of Object.entries(input)) {
    let control;
    if (type === 'string' && prompt) {
      control = prompt;
      prompt = null;
    } else if (type === 'boolean') {
      control = document.createElement('select');
      control.innerHTML = '<option>true</option><option>false</option>';
      control.id = 'input-' + field;
    } else {
      control = document.createElement(type === 'number' ? 'input' : 'textarea');
      if (type === 'number') {
        control.type = 'number';
        control.step = 'any';
      } else {
        control.rows = type === 'string' ? 3 : 2;
      }
      if (type === 'list') control.placeholder = '["a JSON list"]';
      if (type === 'object') control.placeholder = '{"a": "JSON object"}';
      control.required = true;
      control.id = 'input-' + field;
    }
    control.dataset.field = field;
    control.dataset.type = type;
    const label = document.createElement('label');
    label.htmlFor = control.id;
    label.textContent = field + ' (' + type + ')';
    fields.append(label, control);
  }
}

function inputValues() {
  const values = {};
  for (const control of document.querySelectorAll('#inputs [data-field]')) {
    const { field, type } = control.dataset;
    const raw = control.value;
    if (type === 'number') values[field] = Number(raw);
    else if (type === 'boolean') values[field] = raw === 'true';
    else if (type === 'list' || type === 'object') values[field] = JSON.parse(raw);
    else values[field] = raw;
  }
  return values;
}

// ---- a run: node states and tokens ----

function resetRun() {
  $('#results tbody').replaceChildren();
  $('#results').hidden = !graph.legacy;
  $('#answer').textContent = '';
  $('#answer-json').open = !graph.legacy;
  const cards = $('#nodes');
  cards.replaceChildren(...graph.nodes.map((node) => {
    const card = document.createElement('div');
    card.className = 'node-card';
    card.dataset.node = node;
    card.dataset.state = 'pending';
    const title = document.createElement('h3');
    title.textContent = node;
    const state = document.createElement('span');
    state.className = 'state';
    state.textContent = 'pending';
    title.appendChild(state);
    const output = document.createElement('div');
    output.className = 'output';
    card.append(title, output);
    return card;
  }));
  for (const node of graph.nodes) GraphDrawing.setState($('#graph-drawing'), node, 'pending');
}

function card(node) {
  return $(`#nodes .node-card[data-node="${CSS.escape(node)}"]`);
}

function nodeState(node, state) {
  GraphDrawing.setState($('#graph-drawing'), node, state);
  const c = card(node);
  if (c) {
    c.dataset.state = state;
    c.querySelector('.state').textContent = state;
  }
}

// The text of sequence `index` of a node, growing as tokens come.
function stream(node, index) {
  const c = card(node);
  if (!c) return null;
  let pre = c.querySelector(`pre.tokens[data-index="${index}"]`);
  if (!pre) {
    pre = document.createElement('pre');
    pre.className = 'tokens';
    pre.dataset.index = index;
    c.querySelector('.output').appendChild(pre);
  }
  return pre;
}

function summary(value, length) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > length ? text.slice(0, length - 1) + '…' : text;
}

function onNodeEvent(name, data) {
  if (name === 'node_started') {
    nodeState(data.node, 'running');
  } else if (name === 'token') {
    const pre = stream(data.node, data.index);
    if (pre) pre.textContent += data.text;
  } else if (name === 'map_item') {
    const c = card(data.node);
    if (c) {
      const item = document.createElement('div');
      item.className = 'item';
      item.textContent = '#' + data.index + ' ' + summary(data.result, 160);
      c.querySelector('.output').appendChild(item);
    }
  } else if (name === 'node_finished') {
    nodeState(data.node, data.status === 'ok' ? 'done' : data.status);
    const c = card(data.node);
    if (c && !c.querySelector('pre.tokens, .item') && data.output !== undefined) {
      const out = document.createElement('pre');
      out.className = 'value';
      out.textContent = summary(data.output, 400);
      c.querySelector('.output').appendChild(out);
    }
  }
}

// Nodes still running when the run ends failed it; those never started were not needed.
function settleNodes(ok) {
  for (const node of graph.nodes) {
    const state = card(node) ? card(node).dataset.state : 'pending';
    if (state === 'running') nodeState(node, ok ? 'done' : 'failed');
    else if (state === 'pending') nodeState(node, 'not-run');
  }
}

// ---- the seed's table ----

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

function onSeedEvent(rows, name, data) {
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
async function readEvents(response, onEvent) {
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
      onEvent(name, parsed);
    }
  }
}

function seedShaped(body) {
  return Array.isArray(body) && body.every((e) => e && typeof e.generated === 'string' && typeof e.score === 'number');
}

async function run(event) {
  event.preventDefault();
  const form = event.target;
  $('#run').disabled = true;
  $('#waterfall').dataset.state = 'loading';
  status('running…');
  const started = performance.now();
  const running = graph;
  try {
    resetRun();
    const rows = new Map();
    const response = await fetch(running.route, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept': 'text/event-stream' },
      body: JSON.stringify(Object.assign(inputValues(), { parameters: parameters(form) })),
    });
    const streamed = (response.headers.get('content-type') || '').startsWith('text/event-stream');
    const result = streamed ? await readEvents(response, (name, data) => {
      onNodeEvent(name, data);
      if (running.legacy) onSeedEvent(rows, name, data);
    }) : { ok: response.ok, body: await response.json() };
    const body = result.body;
    const traceId = response.headers.get('x-trace-id');
    $('#answer').textContent = JSON.stringify(body, null, 2);
    $('#trace-id').textContent = traceId ? 'trace ' + traceId : '';
    const elapsed = (performance.now() - started).toFixed(0) + ' ms';
    settleNodes(result.ok);
    if (!result.ok) {
      status((streamed ? 'stream' : response.status) + ' ' + body.error_type + ': ' + body.error, true);
      $('#results tbody').replaceChildren();
    } else {
      status('200 in ' + elapsed);
      if (running.legacy && seedShaped(body)) showAnswer(body);
    }
    const trace = traceId ? await Waterfall.load(traceId) : null;
    if (trace) Waterfall.draw(trace);
    else $('#waterfall').dataset.state = 'unavailable';
  } catch (error) {
    status(String(error), true);
  } finally {
    $('#run').disabled = false;
  }
}

$('#request').addEventListener('submit', run);
$('#graph').addEventListener('change', (event) => chooseGraph(event.target.value).catch((e) => status(String(e), true)));
loadGraphs().catch((error) => status('cannot list the graphs: ' + error.message, true));
