import type { LabelMatcher } from './label-matchers.js';
import { renderDatadogTags, renderPromqlMatchers } from './label-matchers.js';
import { durationMs, type SloPolicy } from './slo-policy.js';

/** The three numbers the gate reads for one side (baseline or canary). */
export interface SideQueries {
  requests: string;
  errorRate: string;
  p99LatencyMs: string;
}

export type Side = 'baseline' | 'canary';

const fill = (template: string, selector: string, window: string) =>
  template.replaceAll('{selector}', selector).replaceAll('{window}', window);

/**
 * PromQL for a side. The error ratio's numerator falls back to 0 when no error series exists (a
 * healthy service often has none), while an absent denominator leaves the result empty: no
 * traffic is "no data", never a 0% error rate.
 */
export function prometheusQueries(policy: SloPolicy, side: Side): SideQueries {
  const matchers: LabelMatcher[] = [...policy.selector, ...policy[side]];
  const selector = renderPromqlMatchers(matchers);
  const { requests, duration, statusLabel, errorStatus } = policy.metrics;
  const w = policy.window;
  const errors = renderPromqlMatchers([...matchers, { name: statusLabel, op: '=~', value: errorStatus }]);
  return {
    requests: policy.queries?.requests
      ? fill(policy.queries.requests, selector, w)
      : `sum(increase(${requests}{${selector}}[${w}]))`,
    errorRate: policy.queries?.errorRate
      ? fill(policy.queries.errorRate, selector, w)
      : `(sum(rate(${requests}{${errors}}[${w}])) or vector(0)) / sum(rate(${requests}{${selector}}[${w}]))`,
    p99LatencyMs: policy.queries?.p99LatencyMs
      ? fill(policy.queries.p99LatencyMs, selector, w)
      : `histogram_quantile(0.99, sum by (le) (rate(${duration}_bucket{${selector}}[${w}]))) * 1000`,
  };
}

/**
 * Datadog metric queries for a side, from APM's trace metrics by default (hits, errors and the
 * request duration distribution in seconds), rolled up over the window.
 */
export function datadogQueries(policy: SloPolicy, side: Side, source: string): SideQueries {
  const tags = renderDatadogTags([...policy.selector, ...policy[side]], { source, field: side });
  const seconds = Math.round(durationMs(policy.window) / 1000);
  const hits = `sum:trace.http.request.hits{${tags}}.as_count().rollup(sum, ${seconds})`;
  const errors = `sum:trace.http.request.errors{${tags}}.as_count().rollup(sum, ${seconds})`;
  return {
    requests: policy.queries?.requests ? fill(policy.queries.requests, tags, String(seconds)) : hits,
    errorRate: policy.queries?.errorRate
      ? fill(policy.queries.errorRate, tags, String(seconds))
      : `${errors} / ${hits}`,
    p99LatencyMs: policy.queries?.p99LatencyMs
      ? fill(policy.queries.p99LatencyMs, tags, String(seconds))
      : `p99:trace.http.request{${tags}}.rollup(max, ${seconds}) * 1000`,
  };
}
