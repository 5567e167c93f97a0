import { RelxError } from '../relx-error.js';
import { parseLabelMatchers, promqlString } from './label-matchers.js';
import { parseSloPolicy, validateSloPolicy } from './slo-policy.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datadogQueries, prometheusQueries } from './slo-queries.js';

const valid = {
  baseline: 'version="stable"',
  canary: 'version="canary"',
  objectives: { maxErrorRateDelta: 0.01 },
};
const refusal = (value: unknown): RelxError => {
  try {
    validateSloPolicy(value, 'slo/prod.yaml');
  } catch (error) {
    return error as RelxError;
  }
  throw new Error('accepted');
};

describe('the SLO policy', () => {
  it('fills in defaults', () => {
    expect(validateSloPolicy(valid, 'p')).toMatchObject({
      provider: 'prometheus',
      window: '30m',
      onInconclusive: 'fail',
      objectives: { maxErrorRateDelta: 0.01, minRequests: 1 },
      baseline: [{ name: 'version', op: '=', value: 'stable' }],
    });
  });

  it.each([
    [{ ...valid, window: '30x' }, 'window', /a duration such as 30s, 5m/],
    [{ ...valid, window: '5m] or vector(1)' }, 'window', /a duration/],
    [
      { ...valid, objectives: { maxErrorRateDelta: -0.01 } },
      'objectives.maxErrorRateDelta',
      /must be 0 or more/,
    ],
    [
      { ...valid, objectives: { maxP99LatencyDeltaMs: -5 } },
      'objectives.maxP99LatencyDeltaMs',
      /must be 0 or more/,
    ],
    [{ ...valid, objectives: { maxErrorRate: 2 } }, 'objectives.maxErrorRate', /at most 1/],
    [{ ...valid, objectives: {} }, 'objectives', /no objective/],
    [{ ...valid, canary: 'version="x"} or vector(1) #' }, 'canary', /a comma was expected/],
    [{ ...valid, canary: 'version=canary' }, 'canary', /double quotes/],
    [{ ...valid, metrics: { requests: 'up or vector(1)' } }, 'metrics.requests', /a metric name/],
    [{ ...valid, bake: { samples: 0, interval: '5m' } }, 'bake.samples', /./],
    [{ ...valid, colour: 'red' }, 'colour', /./],
  ])('refuses %j at %s', (policy, field, message) => {
    const error = refusal(policy);
    expect(error).toBeInstanceOf(RelxError);
    expect(error).toMatchObject({ kind: 'input', field, file: 'slo/prod.yaml' });
    expect(error.message).toMatch(message);
  });

  it('reads YAML and names a syntax error', () => {
    expect(
      parseSloPolicy(
        'baseline: version="stable"\ncanary: {version: canary}\nobjectives: {maxErrorRate: 0.05}\n',
        'p.yaml',
      ).canary,
    ).toEqual([{ name: 'version', op: '=', value: 'canary' }]);
    expect(() => parseSloPolicy('baseline: [\n', 'p.yaml')).toThrow(/not valid YAML/);
  });
});

describe('label matchers', () => {
  it('parses PromQL matchers with escapes and renders them back escaped', () => {
    const matchers = parseLabelMatchers('{service=~"api|web", version!="a\\"b"}', {
      source: 's',
      field: 'canary',
    });
    expect(matchers).toEqual([
      { name: 'service', op: '=~', value: 'api|web' },
      { name: 'version', op: '!=', value: 'a"b' },
    ]);
    expect(promqlString('x"} or vector(1) #\\')).toBe('"x\\"} or vector(1) #\\\\"');
  });

  it('refuses a Datadog tag value that could change the query', () => {
    const policy = validateSloPolicy(
      { ...valid, provider: 'datadog', canary: { version: 'x} or sum:other{*' } },
      'p',
    );
    expect(() => datadogQueries(policy, 'canary', 'p')).toThrow(/cannot be a Datadog tag/);
  });

  it.each(['dev', 'staging'])(
    "ships slo/%s.yaml, the policy deploy.yml's gate reads, on the documented metrics and the version relx labels",
    (environment) => {
      const file = join(import.meta.dirname, '..', '..', 'workflows-templates', 'slo', `${environment}.yaml`);
      const policy = parseSloPolicy(readFileSync(file, 'utf8'), file);
      expect(policy).toMatchObject({ provider: 'prometheus', onInconclusive: 'fail' });
      const queries = prometheusQueries(policy, 'canary');
      expect(queries.requests).toContain('http_requests_total{service="api", version="{stableVersion}"}');
      expect(queries.errorRate).toContain('status=~"5.."');
      expect(queries.p99LatencyMs).toContain('http_request_duration_seconds_bucket');
      expect(policy.objectives.minRequests).toBeGreaterThan(0);
    },
  );
});
