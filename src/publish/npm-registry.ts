import { execFile } from 'node:child_process';
import { fetchRetrying } from '../http/fetch-retrying.js';
import { formatSeconds, runWithRetry, type RetryOptions } from '../http/retry-policy.js';
import { rememberSecret, scrubSecrets } from '../secret-scrubber.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conflictError, inputError, transientError, type RelxError } from '../relx-error.js';

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

const run = (
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; signal?: AbortSignal },
) =>
  new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        maxBuffer: 64 * 1024 * 1024,
        ...(options.signal ? { signal: options.signal } : {}),
      },
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
  retry: RetryOptions = {},
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
    retry,
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
  retry: RetryOptions = {},
): Promise<'absent' | 'same'> {
  const existing = await publishedIntegrity(registry, packed.name, packed.version, retry);
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

/**
 * What a failed `npm publish` says, as an error the retry policy reads by its kind: a conflict
 * (the version is there — maybe ours, from an attempt whose answer was lost), the user's to fix
 * (401, 403, 404, 400, 422: terminal), or transient — `not-sent` when nothing was reached.
 */
export function classifyNpmFailure(stderr: string, what: string, secrets: string[]): RelxError {
  const lines = stderr
    .split('\n')
    .filter((l) => /npm (error|ERR)/.test(l))
    .slice(0, 6)
    .join('\n');
  const said = scrubSecrets(lines || stderr.trim().split('\n').slice(-3).join('\n'), secrets);
  const code = /npm (?:error|ERR!?) code (\S+)/.exec(stderr)?.[1] ?? '';
  const fix = 'Re-run: versions already published are skipped.';
  if (code === 'EPUBLISHCONFLICT' || code === 'E409' || /cannot publish over|already present/i.test(stderr)) {
    return conflictError(`${what}: the registry already has this version:\n${said}`, { fix });
  }
  if (/^E(400|401|403|404|422)$/.test(code) || code === 'ENEEDAUTH') {
    return inputError(`${what} was refused:\n${said}`, {
      field: 'npm-token',
      fix: 'Check the registry URL and that the token may publish the package.',
    });
  }
  const notSent = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)$/.test(code);
  // the policy puts `what` in front of a transient error's message; terminal ones carry it
  return transientError(`failed:\n${said}`, { fix, delivery: notSent ? 'not-sent' : 'unknown' });
}

/**
 * Publishes a packed tarball (checked absent by `registryState` first) and reads it back, under
 * the retry policy. npm's own retries are off, so a PUT is never repeated blindly: after an
 * attempt that may have landed (a 503, a timeout) or a 409, the registry is asked for the
 * version's integrity — the same content is done, absent is sent again, other content refused.
 * Each attempt is bounded (`--fetch-timeout`, and npm is stopped when its time is up).
 */
export async function publishPackage(
  registry: NpmRegistry,
  packed: PackedPackage,
  options: { distTag: string; access: 'public' | 'restricted'; provenance: boolean },
  retry: RetryOptions = {},
): Promise<void> {
  rememberSecret(registry.token);
  const what = `npm publish ${packed.name}@${packed.version} to ${registry.url}`;
  const config = mkdtempSync(join(tmpdir(), 'relx-npmrc-'));
  try {
    const host = registryBase(registry.url).replace(/^https?:/, '');
    writeFileSync(join(config, '.npmrc'), registry.token ? `${host}/:_authToken=\${NPM_TOKEN}\n` : '');
    const args = (timeoutMs: number) => [
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
      '0',
      '--fetch-timeout',
      String(timeoutMs),
      // npm's error codes decide what a failure was: a loglevel inherited from the caller
      // (`npm run --silent`, an .npmrc) must not hide them, or a refusal reads as a lost answer
      '--loglevel',
      'error',
      ...(options.provenance ? ['--provenance'] : []),
    ];
    await runWithRetry<'published' | 'landed'>(
      {
        what,
        idempotent: false,
        fix: 'Re-run: versions already published are skipped.',
        attempt: async (signal, _attempt, timeoutMs) => {
          await run('npm', args(timeoutMs), {
            cwd: config,
            env: { NPM_TOKEN: registry.token ?? '', npm_config_audit: 'false' },
            signal,
          }).catch((error: { stderr?: string }) => {
            if (signal.aborted) {
              throw transientError(`did not answer within ${formatSeconds(timeoutMs)}`, {
                fix: 'Re-run: versions already published are skipped.',
              });
            }
            throw classifyNpmFailure(error.stderr ?? '', what, registry.token ? [registry.token] : []);
          });
          return 'published';
        },
        // the PUT may have landed before its answer was lost: the registry says whether it did
        alreadyDone: async () =>
          (await registryState(registry, packed, retry)) === 'same' ? ('landed' as const) : undefined,
      },
      // npm starting, packing the request and (with provenance) signing take time of their own
      { ...retry, policy: { attemptTimeoutMs: 120_000, ...retry.policy } },
    );
    const landed = await publishedIntegrity(registry, packed.name, packed.version, retry);
    if (landed !== packed.integrity) {
      throw transientError(`${packed.name}@${packed.version} reads back as ${landed ?? 'missing'}.`, {
        fix: 'Re-run.',
      });
    }
  } finally {
    rmSync(config, { recursive: true, force: true });
  }
}
