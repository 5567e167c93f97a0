// The demo's Prometheus when Debian's `prometheus` is not installed: an in-process HTTP server
// that answers Prometheus's query API (`/api/v1/query`, `/api/v1/query_range`) over the same
// sample counters the demo would load into a real one. It evaluates the PromQL slo-gate sends
// (src/slo/slo-queries.ts) — sum, rate, increase, vector, `or`, `/`, `*` and label matchers — and
// refuses anything else with Prometheus's own `bad_data` error, so a query it cannot answer fails
// the gate instead of passing it.
import { createServer } from 'node:http';

const durations = { s: 1, m: 60, h: 3600, d: 86400 };

/** `series`: [{ labels: { __name__, … }, samples: [[seconds, value], …] }] (counters, samples sorted). */
export async function startPrometheusStandIn(series) {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://stand-in');
      const params = new URLSearchParams(request.method === 'POST' ? body : url.search);
      const reply = (status, json) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(json));
      };
      try {
        if (url.pathname === '/-/ready') return reply(200, { status: 'success' });
        const query = params.get('query') ?? '';
        if (url.pathname === '/api/v1/query') {
          const at = Number(params.get('time') ?? Date.now() / 1000);
          return reply(200, { status: 'success', data: instant(evaluate(parse(query), series, at), at) });
        }
        if (url.pathname === '/api/v1/query_range') {
          const [start, end, step] = ['start', 'end', 'step'].map((k) => Number(params.get(k)));
          if (!(step > 0) || !(end >= start) || (end - start) / step > 11000)
            throw new Error('start, end and step must give at most 11,000 points');
          const expression = parse(query);
          const byLabels = new Map();
          for (let t = start; t <= end; t += step) {
            const value = evaluate(expression, series, t);
            const vector = typeof value === 'number' ? [{ metric: {}, value }] : value;
            for (const { metric, value: v } of vector) {
              const key = JSON.stringify(metric);
              if (!byLabels.has(key)) byLabels.set(key, { metric, values: [] });
              byLabels.get(key).values.push([t, String(v)]);
            }
          }
          return reply(200, {
            status: 'success',
            data: { resultType: 'matrix', result: [...byLabels.values()] },
          });
        }
        return reply(404, { status: 'error', errorType: 'not_found', error: `no ${url.pathname} here` });
      } catch (error) {
        return reply(400, {
          status: 'error',
          errorType: 'bad_data',
          error: `the demo's Prometheus stand-in cannot evaluate this: ${error.message}`,
        });
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    stop: () => new Promise((resolve) => (server.closeAllConnections?.(), server.close(resolve))),
  };
}

const instant = (value, at) =>
  typeof value === 'number'
    ? { resultType: 'scalar', result: [at, String(value)] }
    : {
        resultType: 'vector',
        result: value.map(({ metric, value: v }) => ({ metric, value: [at, String(v)] })),
      };

/** Tokens: numbers, names, strings, `{…}` selectors kept whole, `[5m]` ranges, operators. */
function tokenize(query) {
  const tokens = [];
  const pattern =
    /\s*(?:(\{(?:[^}"]|"(?:[^"\\]|\\.)*")*\})|\[(\d+[smhd])\]|(\d+(?:\.\d+)?)|([A-Za-z_:][\w:]*)|([()/*,]))/y;
  let match;
  while (pattern.lastIndex < query.length && (match = pattern.exec(query))) {
    if (match[1]) tokens.push({ kind: 'selector', text: match[1] });
    else if (match[2])
      tokens.push({ kind: 'range', seconds: Number(match[2].slice(0, -1)) * durations[match[2].at(-1)] });
    else if (match[3]) tokens.push({ kind: 'number', value: Number(match[3]) });
    else if (match[4]) tokens.push({ kind: 'name', text: match[4] });
    else tokens.push({ kind: 'op', text: match[5] });
  }
  if (pattern.lastIndex < query.trimEnd().length)
    throw new Error(`unexpected "${query.slice(pattern.lastIndex, pattern.lastIndex + 20)}"`);
  return tokens;
}

/** expr := product ('or' product)* ; product := unary (('/'|'*') unary)* ; unary := number | call | '(' expr ')' */
function parse(query) {
  const tokens = tokenize(query);
  let i = 0;
  const peek = () => tokens[i];
  const take = (text) => {
    const token = tokens[i];
    if (text && token?.text !== text) throw new Error(`expected "${text}"`);
    i += 1;
    return token;
  };
  const expr = () => {
    let left = product();
    while (peek()?.kind === 'name' && peek().text === 'or') {
      take();
      left = { op: 'or', left, right: product() };
    }
    return left;
  };
  const product = () => {
    let left = unary();
    while (peek()?.kind === 'op' && (peek().text === '/' || peek().text === '*')) {
      const op = take().text;
      left = { op, left, right: unary() };
    }
    return left;
  };
  const unary = () => {
    const token = take();
    if (token?.kind === 'number') return { number: token.value };
    if (token?.kind === 'op' && token.text === '(') {
      const inner = expr();
      take(')');
      return inner;
    }
    if (token?.kind !== 'name') throw new Error('expected a function, a metric or a number');
    if (token.text === 'vector' || token.text === 'sum') {
      take('(');
      const argument = expr();
      take(')');
      return { call: token.text, argument };
    }
    if (token.text === 'rate' || token.text === 'increase') {
      take('(');
      const metric = take();
      const selector = peek()?.kind === 'selector' ? take().text : '{}';
      const range = take();
      if (metric?.kind !== 'name' || range?.kind !== 'range')
        throw new Error(`${token.text} needs metric{…}[range]`);
      take(')');
      return { call: token.text, metric: metric.text, matchers: matchers(selector), seconds: range.seconds };
    }
    throw new Error(`${token.text} is not one of sum, rate, increase, vector`);
  };
  const tree = expr();
  if (i !== tokens.length) throw new Error('unexpected text after the expression');
  return tree;
}

function matchers(selector) {
  const list = [];
  const pattern = /\s*([A-Za-z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?/y;
  const inner = selector.slice(1, -1);
  let match;
  while (pattern.lastIndex < inner.length && (match = pattern.exec(inner))) {
    const value = JSON.parse(`"${match[3]}"`);
    list.push({ name: match[1], op: match[2], value, regex: new RegExp(`^(?:${value})$`) });
  }
  if (pattern.lastIndex < inner.trim().length) throw new Error(`cannot read the matchers ${selector}`);
  return list;
}

const matches = (labels, { name, op, value, regex }) => {
  const actual = labels[name] ?? '';
  return op === '='
    ? actual === value
    : op === '!='
      ? actual !== value
      : op === '=~'
        ? regex.test(actual)
        : !regex.test(actual);
};

/** A number (scalar) or an instant vector [{ metric, value }]. */
function evaluate(node, series, at) {
  if ('number' in node) return node.number;
  if (node.call === 'vector') return [{ metric: {}, value: asNumber(evaluate(node.argument, series, at)) }];
  if (node.call === 'sum') {
    const vector = evaluate(node.argument, series, at);
    if (typeof vector === 'number') throw new Error('sum needs a vector');
    return vector.length === 0
      ? []
      : [{ metric: {}, value: vector.reduce((total, s) => total + s.value, 0) }];
  }
  if (node.call === 'rate' || node.call === 'increase') {
    const result = [];
    for (const { labels, samples } of series) {
      if (labels.__name__ !== node.metric || !node.matchers.every((m) => matches(labels, m))) continue;
      const inWindow = samples.filter(([t]) => t > at - node.seconds && t <= at);
      if (inWindow.length < 2) continue;
      const [[t0, v0], [t1, v1]] = [inWindow[0], inWindow.at(-1)];
      // like Prometheus: the increase seen between the first and last sample, extrapolated to the window
      const increase = ((v1 - v0) * node.seconds) / (t1 - t0);
      const { __name__, ...metric } = labels;
      result.push({ metric, value: node.call === 'rate' ? increase / node.seconds : increase });
    }
    return result;
  }
  const left = evaluate(node.left, series, at);
  const right = evaluate(node.right, series, at);
  if (node.op === 'or') return typeof left !== 'number' && left.length === 0 ? right : left;
  const combine = (a, b) => (node.op === '/' ? a / b : a * b);
  if (typeof left === 'number' && typeof right === 'number') return combine(left, right);
  if (typeof right === 'number')
    return left.map((s) => ({ metric: s.metric, value: combine(s.value, right) }));
  if (typeof left === 'number')
    return right.map((s) => ({ metric: s.metric, value: combine(left, s.value) }));
  // one-to-one on identical label sets, as Prometheus matches vectors
  return left.flatMap((l) => {
    const r = right.find((s) => JSON.stringify(s.metric) === JSON.stringify(l.metric));
    return r ? [{ metric: l.metric, value: combine(l.value, r.value) }] : [];
  });
}

function asNumber(value) {
  if (typeof value !== 'number') throw new Error('vector() needs a number');
  return value;
}
