import type { VersioningScheme } from '../workspace/component.js';
import { inferTagConventions, type ConventionSubject } from './tag-convention.js';
import { folderName, renderTag, tagMatcher, unscopedName } from './tag-format.js';

const semver: VersioningScheme = { kind: 'semver' };
const subject = (name: string, path: string, version: string | null = '1.0.0'): ConventionSubject => ({
  name,
  paths: [path],
  version,
  scheme: semver,
  tagFormat: '{name}@{version}',
  tagFormatSource: 'default',
});
const formats = (result: ReturnType<typeof inferTagConventions>) =>
  Object.fromEntries([...result.byComponent].map(([name, c]) => [name, `${c.format} (${c.source})`]));

describe('tag placeholders', () => {
  const core = { name: '@acme/core', paths: ['packages/babel-core'] };
  it.each([
    ['{unscopedName}-v{version}', 'core-v1.2.3'],
    ['{dir}@{version}', 'babel-core@1.2.3'],
    ['{name}/{dir}/v{version}', '@acme/core/babel-core/v1.2.3'],
  ])('%s renders and parses %s', (format, tag) => {
    expect(renderTag(format, core, '1.2.3')).toBe(tag);
    expect(tagMatcher(format, core)(tag)).toBe('1.2.3');
  });

  it('names the root folder after the component', () => {
    expect(folderName({ name: '@acme/app', paths: [''] })).toBe('app');
    expect(unscopedName('plain')).toBe('plain');
  });
});

describe('inferring tag conventions', () => {
  it("never takes another component's own tags for its folder's: the chart in charts/api is not the api", () => {
    const result = inferTagConventions(
      [subject('api', 'services/api', '1.4.0'), subject('api-chart', 'charts/api', '0.3.0')],
      ['api@1.4.0', 'api-chart@0.3.0'],
    );
    expect(formats(result)).toEqual({
      api: '{name}@{version} (inferred)',
      'api-chart': '{name}@{version} (inferred)',
    });
    expect(result.warnings).toEqual([]);
  });

  it('finds each form of a component’s own name', () => {
    const result = inferTagConventions(
      [
        subject('@otel/auto-node', 'packages/auto-node'),
        subject('@babel/core', 'packages/babel-core'),
        subject('lib', 'packages/lib'),
        subject('@acme/parser', 'eslint/babel-parser'),
      ],
      ['auto-node-v0.79.0', '@babel/core@7.23.2', 'lib-v1.0.0', 'babel-parser-v11.0.0', 'unrelated-v1.0.0'],
    );
    expect(formats(result)).toEqual({
      '@otel/auto-node': '{unscopedName}-v{version} (inferred)',
      '@babel/core': '{name}@{version} (inferred)',
      lib: '{name}-v{version} (inferred)',
      '@acme/parser': '{dir}-v{version} (inferred)',
    });
    expect(result.warnings).toEqual([]);
    expect(result.lockstep).toEqual([]);
  });

  it('never takes another component’s tags: a chart in charts/api does not read the tags of the component named api', () => {
    const result = inferTagConventions(
      [subject('api', 'services/api', '1.2.0'), subject('api-chart', 'charts/api', '0.1.0')],
      ['api@1.1.0', 'api@1.2.0'],
    );
    expect(formats(result)).toEqual({
      api: '{name}@{version} (inferred)',
      'api-chart': '{name}@{version} (default)',
    });
  });

  it('keeps the default when a component has no tags, and a configured format always', () => {
    const configured = {
      ...subject('@acme/api', 'packages/api'),
      tagFormat: 'api/{version}',
      tagFormatSource: 'configured' as const,
    };
    const result = inferTagConventions([subject('@acme/new', 'packages/new'), configured], ['api-v1.0.0']);
    expect(formats(result)).toEqual({
      '@acme/new': '{name}@{version} (default)',
      '@acme/api': 'api/{version} (configured)',
    });
  });

  it('gives a single package the repository’s v* or bare version tags', () => {
    expect(formats(inferTagConventions([subject('app', 'packages/app')], ['v1.0.0', 'v1.1.0']))).toEqual({
      app: 'v{version} (inferred)',
    });
    expect(formats(inferTagConventions([subject('app', '')], ['2.0.0']))).toEqual({
      app: '{version} (inferred)',
    });
  });

  it('puts the packages at the newest v* version in a lockstep group; the others keep their own', () => {
    const result = inferTagConventions(
      [
        subject('@ts/parser', 'packages/parser', '8.67.0'),
        subject('@ts/utils', 'packages/utils', '8.67.0'),
        subject('@ts/old', 'packages/old', '8.0.1'),
        subject('@ts/private', 'packages/private', null),
      ],
      ['v8.66.0', 'v8.67.0', 'v8.0.1', 'v9.0.0-alpha.1'],
    );
    expect(formats(result)).toEqual({
      '@ts/parser': 'v{version} (inferred)',
      '@ts/utils': 'v{version} (inferred)',
      '@ts/old': '{name}@{version} (default)',
      '@ts/private': '{name}@{version} (default)',
    });
    expect(result.lockstep).toEqual(['@ts/parser', '@ts/utils']);
  });

  it('gives v* to the package at the newest v* version of its major: a maintenance branch of vite', () => {
    // release/7.x: vite at 7.3.6 while main tagged v8.2.2; the other packages keep their own tags
    const result = inferTagConventions(
      [subject('vite', 'packages/vite', '7.3.6'), subject('create-vite', 'packages/create-vite', '7.1.3')],
      ['v7.3.5', 'v7.3.6', 'v8.2.2', 'v8.3.0-beta.0', 'create-vite@7.1.3', 'create-vite@8.0.0'],
    );
    expect(formats(result)).toEqual({
      vite: 'v{version} (inferred)',
      'create-vite': '{name}@{version} (inferred)',
    });
    expect(result.lockstep).toEqual([]);
  });

  it('puts the packages at the newest v* pre-release of their major in a lockstep group: vitest between release candidates', () => {
    const result = inferTagConventions(
      [
        subject('vitest', 'packages/vitest', '5.0.0-rc.2'),
        subject('@vitest/ui', 'packages/ui', '5.0.0-rc.2'),
        subject('@vitest/old', 'packages/old', '5.0.0-rc.1'),
      ],
      ['v4.1.0', 'v5.0.0-beta.7', 'v5.0.0-rc.1', 'v5.0.0-rc.2'],
    );
    expect(result.lockstep).toEqual(['vitest', '@vitest/ui']);
    expect(formats(result)['@vitest/old']).toBe('{name}@{version} (default)');
  });

  it('does not make one package a lockstep group of its own', () => {
    const result = inferTagConventions(
      [subject('@ts/parser', 'packages/parser', '8.67.0'), subject('@ts/utils', 'packages/utils', '1.0.0')],
      ['v8.67.0'],
    );
    expect(result.lockstep).toEqual([]);
  });

  it('reports two conventions and takes the one with the newest version, however many tags the other has', () => {
    const result = inferTagConventions(
      [subject('@acme/graph', 'packages/graph')],
      ['graph@0.1.0', 'graph@0.2.0', 'graph@0.2.1', '@acme/graph@3.0.0'],
    );
    expect(formats(result)).toEqual({ '@acme/graph': '{name}@{version} (inferred)' });
    expect(result.warnings).toEqual([
      '@acme/graph: its tags follow 2 conventions, "{name}@{version}" (1 tag(s), newest @acme/graph@3.0.0) and "{unscopedName}@{version}" (3 tag(s), newest graph@0.2.1); using "{name}@{version}", which carries the newest version. To choose, set tagFormat for @acme/graph in relx.config.yaml.',
    ]);
  });

  it('counts only tags that carry a version of the component’s scheme', () => {
    const calver: ConventionSubject = {
      ...subject('svc', 'services/svc'),
      scheme: { kind: 'calver', format: 'YYYY.MM.PATCH' },
    };
    const result = inferTagConventions(
      [calver, subject('lib', 'packages/lib')],
      ['svc-v2026.11.0', 'lib-v1.x', 'lib@1.0'],
    );
    expect(formats(result)).toEqual({
      svc: '{name}-v{version} (inferred)',
      lib: '{name}@{version} (default)',
    });
  });
});
