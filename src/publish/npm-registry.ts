import { execFile } from 'node:child_process';
import { fetchRetrying } from '../http/fetch-retrying.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conflictError, inputError, transientError } from '../relx-error.js';

/**
 * npm registries (npmjs, GitHub Packages, Verdaccio, Artifactory) through the same API: the
 * packument says what is published; `npm publish` of the packed tarball publishes. The token
 * goes to npm through the environment (`${NPM_TOKEN}` in a temporary userconfig), never in
 * arguments, files or logs.
 */
export interface NpmRegistry {
  url: string;
  token?: string;
}

export interface PackedPackage {
  name: string;
  version: string;
  integrity: string;
  tarball: string;
}

const run = (command: string, args: string[], options: { cwd: string; env?: Record<string, string> }) =>
  new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: { ...process.env, ...options.env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(Object.assign(error, { stdout, stderr }));
        else resolve({ stdout, stderr });
      },
    );
  });

/** `npm pack` (scripts off): the tarball exactly as it would be published, and its integrity. */
export async function packPackage(dir: string, into: string): Promise<PackedPackage> {
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', into], {
    cwd: dir,
  });
  const [packed] = JSON.parse(stdout) as Array<{
    name: string;
    version: string;
    integrity: string;
    filename: string;
  }>;
  if (!packed) throw inputError(`npm pack produced nothing in ${dir}.`, { fix: 'Check the package.json.' });
  return {
    name: packed.name,
    version: packed.version,
    integrity: packed.integrity,
    tarball: join(into, packed.filename),
  };
}

const registryBase = (url: string) => url.replace(/\/+$/, '');

/** The integrity of name@version on the registry, or null when that version is not there. */
async function publishedIntegrity(
  registry: NpmRegistry,
  name: string,
  version: string,
): Promise<string | null> {
  const url = `${registryBase(registry.url)}/${name.replace('/', '%2f')}`;
  const response = await fetchRetrying(
    url,
    {
      headers: {
        accept: 'application/json',
        ...(registry.token ? { authorization: `Bearer ${registry.token}` } : {}),
      },
    },
    {
      what: `${registry.url} (for ${name})`,
      fix: 'Re-run when the registry is back; nothing is published twice.',
    },
  );
  if (response.status === 404) {
    await response.arrayBuffer();
    return null;
  }
  if (!response.ok) {
    throw inputError(`${registry.url} answered ${response.status} for ${name}.`, {
      field: 'npm-token',
      fix: 'Check the registry URL and that the token may read and publish the package.',
    });
  }
  const packument = (await response.json()) as {
    versions?: Record<string, { dist?: { integrity?: string } }>;
  };
  const published = packument.versions?.[version];
  return published ? (published.dist?.integrity ?? 'unknown') : null;
}

/**
 * Where a packed version stands on the registry: absent, or the same content (a re-run, skipped);
 * other content under that version is refused — a published version never changes.
 */
export async function registryState(
  registry: NpmRegistry,
  packed: PackedPackage,
): Promise<'absent' | 'same'> {
  const existing = await publishedIntegrity(registry, packed.name, packed.version);
  if (existing === null) return 'absent';
  if (existing === packed.integrity) return 'same';
  throw conflictError(
    `${packed.name}@${packed.version} is already on ${registry.url} with other content (${existing}).`,
    {
      field: 'version',
      fix: 'A published version never changes: release a new version.',
    },
  );
}

/** Publishes a packed tarball (checked absent by `registryState` first) and reads it back. */
export async function publishPackage(
  registry: NpmRegistry,
  packed: PackedPackage,
  options: { distTag: string; access: 'public' | 'restricted'; provenance: boolean },
): Promise<void> {
  const config = mkdtempSync(join(tmpdir(), 'relx-npmrc-'));
  try {
    const host = registryBase(registry.url).replace(/^https?:/, '');
    writeFileSync(join(config, '.npmrc'), registry.token ? `${host}/:_authToken=\${NPM_TOKEN}\n` : '');
    const args = [
      'publish',
      packed.tarball,
      '--registry',
      registry.url,
      '--tag',
      options.distTag,
      '--access',
      options.access,
      '--ignore-scripts',
      '--userconfig',
      join(config, '.npmrc'),
      '--fetch-retries',
      '3',
      '--fetch-retry-mintimeout',
      '500',
      '--fetch-retry-maxtimeout',
      '4000',
      ...(options.provenance ? ['--provenance'] : []),
    ];
    await run('npm', args, {
      cwd: config,
      env: { NPM_TOKEN: registry.token ?? '', npm_config_audit: 'false' },
    }).catch((error: { stderr?: string }) => {
      const stderr = (error.stderr ?? '')
        .split('\n')
        .filter((l) => /npm (error|ERR)/.test(l))
        .slice(0, 6)
        .join('\n');
      throw transientError(`npm publish ${packed.name}@${packed.version} failed:\n${stderr}`, {
        fix: 'Re-run: versions already published are skipped.',
      });
    });
    const landed = await publishedIntegrity(registry, packed.name, packed.version);
    if (landed !== packed.integrity) {
      throw transientError(`${packed.name}@${packed.version} reads back as ${landed ?? 'missing'}.`, {
        fix: 'Re-run.',
      });
    }
  } finally {
    rmSync(config, { recursive: true, force: true });
  }
}
