import { aManifest, digestOf } from '../manifest/manifest-builders.js';
import type { ReleaseManifest } from '../manifest/release-manifest.js';
import { RelxError } from '../relx-error.js';
import { validateSloPolicy, type SloPolicyInput } from './slo-policy.js';
import { prometheusQueries } from './slo-queries.js';
import {
  fillVersionPlaceholders,
  policyPlaceholders,
  resolveGateTarget,
  type EnvironmentReleases,
} from './version-placeholders.js';

const policy = (extra: Partial<SloPolicyInput> = {}) =>
  validateSloPolicy(
    {
      selector: { service: 'api' },
      baseline: 'version="{stableVersion}"',
      canary: 'version="{canaryVersion}"',
      objectives: { maxErrorRateDelta: 0.01 },
      ...extra,
    },
    'slo/prod.yaml',
  );

const withApi = (release: string, tag: string): ReleaseManifest => {
  const m = aManifest();
  return {
    ...m,
    metadata: { ...m.metadata, name: release },
    components: {
      ...m.components,
      images: [{ name: 'api', repository: 'ghcr.io/acme/api', tag, digest: digestOf('b') }],
    },
  };
};
const releases = (canaryTag = '1.5.0', stableTag = '1.4.2'): EnvironmentReleases => ({
  stable: withApi('2026.11.1', stableTag),
  canary: { release: '2026.11.2', manifest: withApi('2026.11.2', canaryTag) },
});
const refusal = (run: () => unknown): RelxError => {
  try {
    run();
  } catch (error) {
    return error as RelxError;
  }
  throw new Error('accepted');
};

describe('{canaryVersion} and {stableVersion} in a policy', () => {
  it('compares exactly the two versions the environment runs', () => {
    const p = policy();
    expect([...policyPlaceholders(p)].sort()).toEqual(['canaryVersion', 'stableVersion']);
    const target = resolveGateTarget(p, releases(), 'prod', 'slo/prod.yaml');
    expect(target).toEqual({
      environment: 'prod',
      component: 'api',
      canaryRelease: '2026.11.2',
      canaryVersion: '1.5.0',
      stableRelease: '2026.11.1',
      stableVersion: '1.4.2',
    });
    const filled = fillVersionPlaceholders(p, target);
    expect(prometheusQueries(filled, 'canary').requests).toBe(
      'sum(increase(http_requests_total{service="api", version="1.5.0"}[30m]))',
    );
    expect(prometheusQueries(filled, 'baseline').requests).toContain('version="1.4.2"');
  });

  it('escapes a version in a regex matcher so it matches only itself', () => {
    const p = policy({ canary: 'version=~"{canaryVersion}|{canaryVersion}-debug"' });
    const filled = fillVersionPlaceholders(p, resolveGateTarget(p, releases(), 'prod', 'p'));
    expect(filled.canary).toEqual([{ name: 'version', op: '=~', value: '1\\.5\\.0|1\\.5\\.0-debug' }]);
    expect(prometheusQueries(filled, 'canary').requests).toContain(
      'version=~"1\\\\.5\\\\.0|1\\\\.5\\\\.0-debug"',
    );
  });

  it.each([
    ['1.5.0"} or vector(1) #', /cannot be an app.kubernetes.io\/version label value/],
    ['1.5.0\nx', /label value/],
    ['1.5.0+build.7', /label value/],
    [`1.${'0'.repeat(70)}`, /label value/],
  ])('refuses the version %j: it is data and never reaches a query', (tag, message) => {
    const error = refusal(() => resolveGateTarget(policy(), releases(tag), 'prod', 'p'));
    expect(error).toBeInstanceOf(RelxError);
    expect(error).toMatchObject({ kind: 'input', field: 'component' });
    expect(error.message).toMatch(message);
  });

  it('needs a component when the release has several images, and names the field', () => {
    const two = releases();
    const api = two.canary!.manifest.components.images[0]!;
    for (const m of [two.canary!.manifest, two.stable!])
      m.components.images.push({ ...api, name: 'web', repository: 'ghcr.io/acme/web' });
    const error = refusal(() => resolveGateTarget(policy(), two, 'prod', 'slo/prod.yaml'));
    expect(error).toMatchObject({ field: 'component', file: 'slo/prod.yaml' });
    expect(error.message).toMatch(/has 2 images \(api, web\): whose version\?/);
    expect(resolveGateTarget(policy({ component: 'web' }), two, 'prod', 'p').canaryVersion).toBe('1.5.0');
    expect(refusal(() => resolveGateTarget(policy({ component: 'db' }), two, 'prod', 'p'))).toMatchObject({
      field: 'component',
      message: expect.stringMatching(/has no component db/),
    });
  });

  it('refuses to gate a canary that is not running, or a stable release that does not exist', () => {
    expect(
      refusal(() => resolveGateTarget(policy(), { ...releases(), canary: null }, 'prod', 'p')).message,
    ).toMatch(/no canary is in progress in prod/);
    expect(
      refusal(() => resolveGateTarget(policy(), { ...releases(), stable: null }, 'prod', 'p')).message,
    ).toMatch(/prod has no stable release yet/);
  });

  it.each([
    [{ canary: 'version="{canaryversion}"' }, 'canary', /\{canaryversion\} .* is not a placeholder/],
    [{ selector: { release: '{release}' } }, 'selector', /\{release\}/],
    [
      { queries: { requests: 'sum(x{version="{canaryVersion}"})' } },
      'queries.requests',
      /filled in only in selectors/,
    ],
  ])('refuses %j at %s when the policy is read', (extra, field, message) => {
    const error = refusal(() => policy(extra as Partial<SloPolicyInput>));
    expect(error).toMatchObject({ kind: 'input', field, file: 'slo/prod.yaml' });
    expect(error.message).toMatch(message);
  });

  it('leaves a regex quantifier alone', () => {
    expect(policy({ selector: 'status=~"5.{2}"' }).selector[0]?.value).toBe('5.{2}');
  });
});
