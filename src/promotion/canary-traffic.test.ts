import { parse, parseAllDocuments } from 'yaml';
import { aRelease } from '../../test/gitops/gitops-fixture.js';
import { renderTraffic } from './canary-traffic.js';

const stable = aRelease('r1', '1.4.0', 'b');
const canary = aRelease('r2', '1.5.0', 'e');
const route = [
  'apiVersion: gateway.networking.k8s.io/v1',
  'kind: HTTPRoute',
  'metadata: {name: api}',
  'spec:',
  '  rules:',
  '    - backendRefs: [{name: api-stable, port: 8080}]',
  '    - backendRefs: [{name: other, port: 80}]',
  '',
].join('\n');
const httproute = {
  kind: 'httproute',
  file: 'route.yaml',
  stable: 'api-stable',
  canary: 'api-canary',
} as const;

describe('renderTraffic', () => {
  it('adds the canary backend beside the stable one in each rule that has it, in a multi-document file', () => {
    const text = `apiVersion: v1\nkind: Service\nmetadata: {name: x}\n---\n${route}`;
    const files = renderTraffic([httproute], 'env', new Map([['env/route.yaml', text]]), {
      stable,
      canary,
      weight: 5,
    });
    const [service, out] = parseAllDocuments(files.get('env/route.yaml') ?? '').map((d) => d.toJS());
    expect(service).toEqual({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } });
    expect(out.spec.rules).toEqual([
      {
        backendRefs: [
          { name: 'api-stable', port: 8080, weight: 95 },
          { name: 'api-canary', port: 8080, weight: 5 },
        ],
      },
      { backendRefs: [{ name: 'other', port: 80 }] },
    ]);
  });

  it.each([
    [
      'a route with no rule to the stable Service',
      { ...httproute, stable: 'nope' },
      route,
      'canary.traffic.stable',
    ],
    ['a file with no HTTPRoute', httproute, 'kind: Service\n', 'canary.traffic.route'],
    [
      'a Rollout not in the file',
      { kind: 'argo-rollout', component: 'api', file: 'route.yaml' } as const,
      route,
      'canary.traffic.rollout',
    ],
  ])('refuses %s, naming the field', (_, traffic, text, field) => {
    expect(() =>
      renderTraffic([traffic], 'env', new Map([['env/route.yaml', text]]), { stable, canary, weight: 5 }),
    ).toThrow(expect.objectContaining({ field }));
  });

  it('refuses a version that cannot be a label value, and a component the release does not have', () => {
    const build = aRelease('r3', '1.5.0+build.7', 'f');
    const kustomize = { kind: 'kustomize', component: 'api', stable: 's.yaml', canary: 'c.yaml' } as const;
    expect(() => renderTraffic([kustomize], 'env', new Map(), { stable, canary: build, weight: 5 })).toThrow(
      /1\.5\.0\+build\.7 is not a valid app\.kubernetes\.io\/version label value/,
    );
    expect(() =>
      renderTraffic([{ ...kustomize, component: 'web' }], 'env', new Map(), { stable, canary, weight: 5 }),
    ).toThrow(expect.objectContaining({ field: 'canary.traffic.component' }));
  });

  it('keeps what relx does not own in a workload kustomization, and updates its own label entry in place', () => {
    const kustomize = { kind: 'kustomize', component: 'api', stable: 's.yaml', canary: 'c.yaml' } as const;
    const before = '# mine\nnameSuffix: -canary\nlabels:\n  - pairs: {app.kubernetes.io/version: "0.9"}\n';
    const files = renderTraffic([kustomize], 'env', new Map([['env/c.yaml', before]]), {
      stable,
      canary,
      weight: 5,
    });
    const text = files.get('env/c.yaml') ?? '';
    expect(text.startsWith('# mine\n')).toBe(true);
    expect(parse(text)).toEqual({
      nameSuffix: '-canary',
      labels: [{ pairs: { 'app.kubernetes.io/version': '1.5.0' }, includeTemplates: true }],
      images: [{ name: 'ghcr.io/acme/api', digest: canary.components.images[0]?.digest }],
    });
  });
});
