import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aMonorepo, type FixturePackage } from '../../test/monorepo-fixture.js';
import { RelxError } from '../relx-error.js';
import { planRepositoryRelease } from './plan-repository-release.js';

const now = new Date('2026-11-24T12:00:00Z');
const core: FixturePackage = { dir: 'core', name: '@acme/core' };

async function failure(dir: string): Promise<RelxError> {
  try {
    await planRepositoryRelease(dir, { now });
  } catch (error) {
    if (error instanceof RelxError) return error;
    throw error;
  }
  throw new Error('expected the plan to fail');
}

describe('bad input fails before anything runs, naming the file, the field and the fix', () => {
  it.each([
    ['an unknown key', 'tagFormt: "{name}@{version}"\n', /tagFormt/, /tagFormat/],
    [
      'an unknown component type',
      'components:\n  - { name: api-image, type: docker, path: services/api }\n',
      /components\[0\]\.type/,
      /container-image/,
    ],
    [
      'dependsOn naming a missing component',
      'components:\n  - { name: "@acme/core", dependsOn: ["@acme/cor"] }\n',
      /components\[0\]\.dependsOn\[0\]/,
      /@acme\/core/,
    ],
  ])('%s', async (_, config, field, fix) => {
    const repo = aMonorepo([core], config);
    const error = await failure(repo.dir);
    expect(error.kind).toBe('configuration');
    expect(error.file).toMatch(/relx\.config\.yaml$/);
    expect(`${error.field ?? ''} ${error.message}`).toMatch(field);
    expect(error.fix ?? '').toMatch(fix);
  });

  it('a dependency cycle is no bad input: the plan warns with its path', async () => {
    const a: FixturePackage = { dir: 'a', name: 'a', dependencies: { b: '^1.0.0' } };
    const b: FixturePackage = { dir: 'b', name: 'b', dependencies: { a: '^1.0.0' } };
    const repo = aMonorepo([a, b]);
    const { plan } = await planRepositoryRelease(repo.dir, { now });
    expect((plan.warnings ?? []).some((w) => w.startsWith('Dependency cycle: a → b → a.'))).toBe(true);
  });

  it('a shallow clone fails with the fix', async () => {
    const repo = aMonorepo([core]);
    repo.commit('feat: more', ['packages/core/x.js']);
    const clone = join(mkdtempSync(join(tmpdir(), 'relx-shallow-')), 'c');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo.dir}`, clone]);
    const error = await failure(clone);
    expect(error.fix).toContain('fetch-depth: 0');
  });
});
