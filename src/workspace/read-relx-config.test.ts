import { join } from 'node:path';
import { RelxError } from '../relx-error.js';
import { closest, readRelxConfig } from './read-relx-config.js';
import { relxConfigSchema } from './relx-config.js';
import { aFolder } from './workspace-fixture.js';

const failure = async (config: string): Promise<RelxError> => {
  const error = await readRelxConfig(aFolder({ 'relx.config.yaml': config })).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RelxError);
  return error as RelxError;
};

describe('readRelxConfig', () => {
  it('uses the defaults when there is no config file', async () => {
    expect(await readRelxConfig(aFolder({}))).toEqual({ file: null, config: relxConfigSchema.parse({}) });
  });

  it.each(['relx.config.yaml', 'relx.config.yml', 'ci/relx.yaml'])('reads %s', async (file) => {
    const root = aFolder({ [file]: 'tagFormat: "v{version}"\n' });
    const loaded = await readRelxConfig(root, file.startsWith('ci/') ? file : undefined);
    expect(loaded.file).toBe(file);
    expect(loaded.config.tagFormat).toBe('v{version}');
    expect(loaded.config.versioning).toBe('semver');
  });

  it('reads a config file given as an absolute path, inside the repository or not', async () => {
    const elsewhere = aFolder({ 'shared.yaml': 'tagFormat: "v{version}"\n' });
    const root = aFolder({ 'ci/relx.yaml': 'tagFormat: "{name}-v{version}"\n' });
    expect(await readRelxConfig(root, join(elsewhere, 'shared.yaml'))).toMatchObject({
      file: join(elsewhere, 'shared.yaml'),
      config: { tagFormat: 'v{version}' },
    });
    expect(await readRelxConfig(root, join(root, 'ci/relx.yaml'))).toMatchObject({
      file: 'ci/relx.yaml',
      config: { tagFormat: '{name}-v{version}' },
    });
  });

  it('reads a config file that starts with a UTF-8 byte order mark', async () => {
    const root = aFolder({ 'relx.config.yaml': '\uFEFFtagFormat: "v{version}"\n' });
    expect((await readRelxConfig(root)).config.tagFormat).toBe('v{version}');
  });

  it('refuses an explicit config file that does not exist', async () => {
    await expect(readRelxConfig(aFolder({}), 'missing.yaml')).rejects.toMatchObject({
      kind: 'input',
      file: 'missing.yaml',
    });
  });

  it('names the line of a YAML syntax error', async () => {
    const error = await failure('tagFormat: "{name}@{version}"\ncomponents:\n  - name: [x\n');
    expect(error).toMatchObject({ kind: 'configuration', file: 'relx.config.yaml' });
    expect(error.message).toMatch(/YAML syntax error on line \d/);
  });

  it.each([
    ['tagformat: x\n', 'tagformat', /did you mean `tagFormat`/],
    ['components:\n  - { name: a, path: a, dependson: [b] }\n', 'components[0].dependson', /`dependsOn`/],
    ['zebra: 1\n', 'zebra', /Remove `zebra`; allowed keys: .*discoverWorkspaces/],
    [
      'components:\n  - { name: a, path: a }\n  - { name: b, path: b }\n  - { name: c, type: docker, path: c }\n',
      'components[2].type',
      /"npm-package", "container-image", "helm-chart", "terraform-module", "go-module", "cargo-crate", "python-package", "release-assets", "files"/,
    ],
    ['propagation:\n  through: [devDeps]\n', 'propagation.through[0]', /"devDependencies"/],
    ['buildMetadata: "sha_{shortSha}"\n', 'buildMetadata', /Correct `buildMetadata`/],
  ])('%j is refused at %s with its fix', async (config, field, fix) => {
    const error = await failure(config);
    expect(error).toMatchObject({ kind: 'configuration', file: 'relx.config.yaml', field });
    expect(error.fix).toMatch(fix);
  });

  it('refuses a component name that could reach a shell', async () => {
    const error = await failure('components:\n  - { name: "x; rm -rf ~", type: files, path: a }\n');
    expect(error).toMatchObject({ kind: 'configuration', field: 'components[0].name' });
    expect(error.message).toMatch(/no spaces or shell characters/);
  });

  it('says what build metadata may hold', async () => {
    const error = await failure('buildMetadata: "sha_{shortSha}"\n');
    expect(error.message).toMatch(/^dot-separated identifiers of letters, digits and -/);
  });

  it('lists every problem in one error', async () => {
    const error = await failure(
      'tagFormt: x\ncomponents:\n  - { name: a, type: docker }\nversioning: calvar\n',
    );
    expect(error.message.split('\n')).toEqual([
      '3 problems:',
      '  versioning: must be one of "semver", "calver"',
      '  components[0].type: must be one of "npm-package", "container-image", "helm-chart", "terraform-module", "go-module", "cargo-crate", "python-package", "release-assets", "files"',
      '  tagFormt: unknown key `tagFormt`',
    ]);
  });
});

describe('closest', () => {
  it.each([
    ['tagFormt', 'tagFormat'],
    ['Versioning', 'versioning'],
    ['xyz', null],
  ])('%s → %s', (word, expected) => {
    expect(closest(word, ['tagFormat', 'versioning', 'components'])).toBe(expected);
  });
});
