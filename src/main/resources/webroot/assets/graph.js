// Draws a graph as SVG from the Mermaid flowchart GET /graphs/NAME gives: input on the left, each node
// in the column after the last node it reads, output on the right. Nothing is loaded from elsewhere.
'use strict';

const GraphDrawing = (() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const BOX = { width: 180, height: 48, gapX: 70, gapY: 22, margin: 12 };

  // The id Mermaid.java gives a node.
  const idOf = (name) => 'n_' + name.replace(/[^A-Za-z0-9_]/g, '_');

  // {nodes: [{id, name, kind, terminal}], edges: [{from, to, label}]}; names come from the definition,
  // so that events (which name nodes) find their boxes.
  function parse(mermaid, nodeNames) {
    const byId = new Map(nodeNames.map((name) => [idOf(name), name]));
    const nodes = [];
    const edges = [];
    for (const line of mermaid.split('\n').map((l) => l.trim())) {
      let m;
      if ((m = /^(\w+)\(\[(.*)\]\)$/.exec(line))) {
        nodes.push({ id: m[1], name: m[2], kind: '', terminal: true });
      } else if ((m = /^(\w+)\["(.*)"\]$/.exec(line))) {
        const name = byId.get(m[1]) || m[2].split(': ')[0];
        nodes.push({ id: m[1], name, kind: m[2].slice(name.length + 2), terminal: false });
      } else if ((m = /^(\w+) -\. "(.*)" \.-> (\w+)$/.exec(line))) {
        edges.push({ from: m[1], to: m[3], label: m[2] });
      } else if ((m = /^(\w+) --> (\w+)$/.exec(line))) {
        edges.push({ from: m[1], to: m[2], label: null });
      }
    }
    return { nodes, edges };
  }

  // Column of each node: one after the furthest node it reads (the plan is acyclic); output last.
  function columns(graph) {
    const column = new Map(graph.nodes.map((n) => [n.id, n.id === 'input' ? 0 : 1]));
    for (let pass = 0; pass < graph.nodes.length; pass++) {
      for (const e of graph.edges) {
        if (column.has(e.from) && column.has(e.to) && column.get(e.to) <= column.get(e.from)) {
          column.set(e.to, column.get(e.from) + 1);
        }
      }
    }
    const last = Math.max(...[...column].filter(([id]) => id !== 'output').map(([, c]) => c)) + 1;
    column.set('output', last);
    return column;
  }

  function element(name, attributes, parent) {
    const e = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) e.setAttribute(key, value);
    if (parent) parent.appendChild(e);
    return e;
  }

  function text(parent, x, y, content, className) {
    const t = element('text', { x, y, class: className }, parent);
    t.textContent = content.length > 26 ? content.slice(0, 25) + '…' : content;
    return t;
  }

  function draw(svg, mermaid, nodeNames) {
    const graph = parse(mermaid, nodeNames);
    const column = columns(graph);
    const stacks = new Map();
    for (const node of graph.nodes) {
      const c = column.get(node.id);
      if (!stacks.has(c)) stacks.set(c, []);
      stacks.get(c).push(node);
    }
    const tallest = Math.max(...[...stacks.values()].map((s) => s.length));
    const height = tallest * (BOX.height + BOX.gapY) - BOX.gapY + 2 * BOX.margin;
    const place = new Map();
    for (const [c, stack] of stacks) {
      const top = (height - (stack.length * (BOX.height + BOX.gapY) - BOX.gapY)) / 2;
      stack.forEach((node, i) => place.set(node.id, {
        x: BOX.margin + c * (BOX.width + BOX.gapX), y: top + i * (BOX.height + BOX.gapY) }));
    }
    const width = BOX.margin * 2 + (Math.max(...stacks.keys()) + 1) * (BOX.width + BOX.gapX) - BOX.gapX;
    svg.replaceChildren();
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.style.maxWidth = width + 'px';
    const defs = element('defs', {}, svg);
    const marker = element('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5,
      markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
    element('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' }, marker);
    for (const e of graph.edges) {
      const a = place.get(e.from);
      const b = place.get(e.to);
      if (!a || !b) continue;
      const x1 = a.x + BOX.width;
      const y1 = a.y + BOX.height / 2;
      const x2 = b.x;
      const y2 = b.y + BOX.height / 2;
      const bend = Math.max(30, (x2 - x1) / 2);
      const path = element('path', { d: `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`,
        class: 'edge' + (e.label ? ' conditional' : ''), 'marker-end': 'url(#arrow)' }, svg);
      path.dataset.from = e.from;
      path.dataset.to = e.to;
      if (e.label) {
        element('title', {}, path).textContent = e.label;
      }
    }
    for (const node of graph.nodes) {
      const p = place.get(node.id);
      const g = element('g', { class: node.terminal ? 'node terminal' : 'node',
        transform: `translate(${p.x} ${p.y})` }, svg);
      if (!node.terminal) {
        g.dataset.node = node.name;
        g.dataset.state = 'pending';
      }
      element('rect', { width: BOX.width, height: BOX.height, rx: node.terminal ? BOX.height / 2 : 6 }, g);
      text(g, 10, node.terminal ? 29 : 20, node.name, 'name');
      if (!node.terminal) text(g, 10, 38, node.kind, 'kind');
      element('title', {}, g).textContent = node.terminal ? node.name : node.name + ': ' + node.kind;
    }
    svg.dataset.state = 'drawn';
  }

  function setState(svg, node, state) {
    const g = svg.querySelector(`g.node[data-node="${CSS.escape(node)}"]`);
    if (g) g.dataset.state = state;
  }

  return { draw, setState, parse };
})();
