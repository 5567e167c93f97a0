// The demo's Prometheus when Debian's `prometheus` is not installed: an in-process HTTP server
// that answers Prometheus's query API (`/api/v1/query`, `/api/v1/query_range`) over the same
// sample counters the demo loads into a real one. It evaluates the PromQL slo-gate sends
// (src/slo/slo-queries.ts) — sum, rate, increase, vector, `or`, `/`, `*` and label matchers — and
// refuses anything else with Prometheus's own `bad_data` error, so a query it cannot answer fails
// the gate instead of passing it.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One counter: its labels (`__name__` too) and its samples [seconds, value], sorted by time. */
export interface Series {
  labels: Record<string, string>;
  samples: Array<[number, number]>;
}

export interface RunningPrometheusStandIn {
  url: string;
  stop(): Promise<void>;
}

/** The series of an OpenMetrics text (what promtool loads into a real Prometheus), in order. */
export function seriesFromOpenMetrics(text: string): Series[] {
  const byKey = new Map<string, Series>();
  for (const line of text.split('\n')) {
    const sample = /^([A-Za-z_:][\w:]*)\{(.*)\} (\S+) (\S+)$/.exec(line);
    if (!sample) continue;
    const [, name = '', selector = '', value, at] = sample;
    const key = `${name}{${selector}}`;
    let series = byKey.get(key);
    if (!series) {
      const labels: Record<string, string> = { __name__: name };
      for (const [, label = '', quoted = ''] of selector.matchAll(/([A-Za-z_]\w*)="((?:[^"\\]|\\.)*)"/g))
        labels[label] = JSON.parse(`"${quoted}"`) as string;
      series = { labels, samples: [] };
      byKey.set(key, series);
    }
    series.samples.push([Number(at), Number(value)]);
  }
  return [...byKey.values()];
}

export async function startPrometheusStandIn(series: Series[]): Promise<RunningPrometheusStandIn> {
  const server = createServer(async (request, response) => {
    const { status, body } = answer(request, await readBody(request), series);
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  return body;
}

/** Prometheus's answer to one request, or its `bad_data` error. */
function answer(request: IncomingMessage, body: string, series: Series[]): { status: number; body: unknown } {
  const url = new URL(request.url ?? '/', 'http://stand-in');
  const params = new URLSearchParams(request.method === 'POST' ? body : url.search);
  try {
    if (url.pathname === '/-/ready') return { status: 200, body: { status: 'success' } };
    const query = params.get('query') ?? '';
    if (url.pathname === '/api/v1/query') {
      const at = Number(params.get('time') ?? Date.now() / 1000);
      return {
        status: 200,
        body: { status: 'success', data: instant(evaluate(parse(query), series, at), at) },
      };
    }
    if (url.pathname === '/api/v1/query_range') {
      const [start, end, step] = ['start', 'end', 'step'].map((k) => Number(params.get(k))) as [
        number,
        number,
        number,
      ];
      return {
        status: 200,
        body: { status: 'success', data: range(parse(query), series, start, end, step) },
      };
    }
    return {
      status: 404,
      body: { status: 'error', errorType: 'not_found', error: `no ${url.pathname} here` },
    };
  } catch (error) {
    return {
      status: 400,
      body: {
        status: 'error',
        errorType: 'bad_data',
        error: `the demo's Prometheus stand-in cannot evaluate this: ${(error as Error).message}`,
      },
    };
  }
}

const durations: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

type Token =
  | { kind: 'selector'; text: string }
  | { kind: 'range'; seconds: number }
  | { kind: 'number'; value: number }
  | { kind: 'name'; text: string }
  | { kind: 'op'; text: string };

interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
  regex: RegExp;
}

type Expression =
  | { kind: 'number'; value: number }
  | { kind: 'call'; fn: 'vector' | 'sum'; argument: Expression }
  | { kind: 'counter'; fn: 'rate' | 'increase'; metric: string; matchers: Matcher[]; seconds: number }
  | { kind: 'binary'; op: 'or' | '/' | '*'; left: Expression; right: Expression };

/** An instant vector: one value per label set. */
type Vector = Array<{ metric: Record<string, string>; value: number }>;
/** A scalar or an instant vector. */
type Value = number | Vector;

function instant(value: Value, at: number) {
  return typeof value === 'number'
    ? { resultType: 'scalar', result: [at, String(value)] }
    : {
        resultType: 'vector',
        result: value.map(({ metric, value: v }) => ({ metric, value: [at, String(v)] })),
      };
}

function range(expression: Expression, series: Series[], start: number, end: number, step: number) {
  if (!(step > 0) || !(end >= start) || (end - start) / step > 11000)
    throw new Error('start, end and step must give at most 11,000 points');
  const byLabels = new Map<string, { metric: Record<string, string>; values: Array<[number, string]> }>();
  for (let t = start; t <= end; t += step) {
    const value = evaluate(expression, series, t);
    for (const { metric, value: v } of typeof value === 'number' ? [{ metric: {}, value }] : value) {
      const key = JSON.stringify(metric);
      const line = byLabels.get(key) ?? { metric, values: [] };
      byLabels.set(key, line);
      line.values.push([t, String(v)]);
    }
  }
  return { resultType: 'matrix', result: [...byLabels.values()] };
}

/** Tokens: numbers, names, strings, `{…}` selectors kept whole, `[5m]` ranges, operators. */
function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:(\{(?:[^}"]|"(?:[^"\\]|\\.)*")*\})|\[(\d+)([smhd])\]|(\d+(?:\.\d+)?)|([A-Za-z_:][\w:]*)|([()/*,]))/y;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < query.length && (match = pattern.exec(query))) {
    const [, selector, amount, unit = 's', number, name, op = ''] = match;
    if (selector) tokens.push({ kind: 'selector', text: selector });
    else if (amount) tokens.push({ kind: 'range', seconds: Number(amount) * (durations[unit] ?? 1) });
    else if (number) tokens.push({ kind: 'number', value: Number(number) });
    else if (name) tokens.push({ kind: 'name', text: name });
    else tokens.push({ kind: 'op', text: op });
  }
  if (pattern.lastIndex < query.trimEnd().length)
    throw new Error(`unexpected "${query.slice(pattern.lastIndex, pattern.lastIndex + 20)}"`);
  return tokens;
}

const textOf = (token: Token | undefined) =>
  token && (token.kind === 'name' || token.kind === 'op') ? token.text : undefined;

/** expr := product ('or' product)* ; product := unary (('/'|'*') unary)* ; unary := number | call | '(' expr ')' */
function parse(query: string): Expression {
  const tokens = tokenize(query);
  let i = 0;
  const take = (text?: string): Token | undefined => {
    const token = tokens[i];
    if (text && textOf(token) !== text) throw new Error(`expected "${text}"`);
    i += 1;
    return token;
  };
  const expr = (): Expression => {
    let left = product();
    while (tokens[i]?.kind === 'name' && textOf(tokens[i]) === 'or') {
      take();
      left = { kind: 'binary', op: 'or', left, right: product() };
    }
    return left;
  };
  const product = (): Expression => {
    let left = unary();
    while (tokens[i]?.kind === 'op') {
      const op = textOf(tokens[i]);
      if (op !== '/' && op !== '*') break;
      take();
      left = { kind: 'binary', op, left, right: unary() };
    }
    return left;
  };
  const unary = (): Expression => {
    const token = take();
    if (token?.kind === 'number') return { kind: 'number', value: token.value };
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
      return { kind: 'call', fn: token.text, argument };
    }
    if (token.text === 'rate' || token.text === 'increase') {
      take('(');
      const metric = take();
      const selector = tokens[i]?.kind === 'selector' ? take() : undefined;
      const window = take();
      if (metric?.kind !== 'name' || window?.kind !== 'range')
        throw new Error(`${token.text} needs metric{…}[range]`);
      take(')');
      const text = selector?.kind === 'selector' ? selector.text : '{}';
      return {
        kind: 'counter',
        fn: token.text,
        metric: metric.text,
        matchers: matchers(text),
        seconds: window.seconds,
      };
    }
    throw new Error(`${token.text} is not one of sum, rate, increase, vector`);
  };
  const tree = expr();
  if (i !== tokens.length) throw new Error('unexpected text after the expression');
  return tree;
}

function matchers(selector: string): Matcher[] {
  const list: Matcher[] = [];
  const pattern = /\s*([A-Za-z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?/y;
  const inner = selector.slice(1, -1);
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < inner.length && (match = pattern.exec(inner))) {
    const [, name = '', op, quoted = ''] = match;
    const value = JSON.parse(`"${quoted}"`) as string;
    list.push({ name, op: op as Matcher['op'], value, regex: new RegExp(`^(?:${value})$`) });
  }
  if (pattern.lastIndex < inner.trim().length) throw new Error(`cannot read the matchers ${selector}`);
  return list;
}

function matches(labels: Record<string, string>, { name, op, value, regex }: Matcher): boolean {
  const actual = labels[name] ?? '';
  if (op === '=') return actual === value;
  if (op === '!=') return actual !== value;
  return op === '=~' ? regex.test(actual) : !regex.test(actual);
}

function evaluate(node: Expression, series: Series[], at: number): Value {
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'call': {
      const argument = evaluate(node.argument, series, at);
      if (node.fn === 'vector') {
        if (typeof argument !== 'number') throw new Error('vector() needs a number');
        return [{ metric: {}, value: argument }];
      }
      if (typeof argument === 'number') throw new Error('sum needs a vector');
      return argument.length === 0
        ? []
        : [{ metric: {}, value: argument.reduce((total, s) => total + s.value, 0) }];
    }
    case 'counter':
      return counterIncrease(node, series, at);
    case 'binary':
      return combine(node.op, evaluate(node.left, series, at), evaluate(node.right, series, at));
  }
}

/** rate/increase: like Prometheus, the increase between the window's first and last sample, extrapolated to the window. */
function counterIncrease(
  node: Extract<Expression, { kind: 'counter' }>,
  series: Series[],
  at: number,
): Vector {
  const result: Vector = [];
  for (const { labels, samples } of series) {
    if (labels.__name__ !== node.metric || !node.matchers.every((m) => matches(labels, m))) continue;
    const inWindow = samples.filter(([t]) => t > at - node.seconds && t <= at);
    const [first, last] = [inWindow[0], inWindow.at(-1)];
    if (inWindow.length < 2 || !first || !last) continue;
    const increase = ((last[1] - first[1]) * node.seconds) / (last[0] - first[0]);
    const { __name__: _name, ...metric } = labels;
    result.push({ metric, value: node.fn === 'rate' ? increase / node.seconds : increase });
  }
  return result;
}

function combine(op: 'or' | '/' | '*', left: Value, right: Value): Value {
  if (op === 'or') return typeof left !== 'number' && left.length === 0 ? right : left;
  const apply = (a: number, b: number) => (op === '/' ? a / b : a * b);
  if (typeof left === 'number')
    return typeof right === 'number'
      ? apply(left, right)
      : right.map((s) => ({ metric: s.metric, value: apply(left, s.value) }));
  if (typeof right === 'number') return left.map((s) => ({ metric: s.metric, value: apply(s.value, right) }));
  // one-to-one on identical label sets, as Prometheus matches vectors
  return left.flatMap((l) => {
    const r = right.find((s) => JSON.stringify(s.metric) === JSON.stringify(l.metric));
    return r ? [{ metric: l.metric, value: apply(l.value, r.value) }] : [];
  });
}
