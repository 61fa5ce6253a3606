// A request's trace (GET /traces/ID) as a waterfall: one bar per span, each call above what it caused,
// event-bus calls coloured by stage, a hatched part for the time a request queued at its model.
'use strict';

const Waterfall = (() => {
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
    const waterfall = document.querySelector('#waterfall');
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

  return { load: loadTrace, draw: drawWaterfall };
})();
