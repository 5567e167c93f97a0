import { fetchRetrying } from '../http/fetch-retrying.js';
import type { Clock } from '../clock.js';
import { inputError } from '../relx-error.js';
import { rememberSecret, scrubSecrets } from '../secret-scrubber.js';
import {
  argoCdRevisions,
  decideArgoCd,
  decideFlux,
  fluxRevisions,
  sameCommit,
  type ArgoCdApplication,
  type EngineDecision,
  type EngineName,
  type FluxKustomization,
  type RevisionRelations,
} from './engine-decision.js';
import type { EngineStatusSource } from './wait-for-engine.js';

/** Where the engine is and what to read, as the CLI flags and the action inputs give it. */
export type EngineConnection =
  | { engine: 'argocd'; url: string; application: string; token?: string; field: EngineFields }
  | { engine: 'flux'; kubeApiUrl: string; kustomization: string; token?: string; field: EngineFields };

/** The flag or input names, so errors name what the user wrote. */
export interface EngineFields {
  url: string;
  name: string;
  token: string;
}

/** One status reading is retried briefly; the wait's own deadline is the long one. */
const readPolicy = { attempts: 3, attemptTimeoutMs: 30_000, overallTimeoutMs: 60_000 };

/**
 * How the engine's revisions stand to our commit, from the GitOps clone (environment-revisions.ts).
 * Without it only the commit itself counts as reached.
 */
export interface RevisionAncestry {
  /** The environment's release file, for messages. */
  readonly environmentFile: string;
  relations(revisions: readonly string[], commit: string): Promise<RevisionRelations>;
}

interface ReadContext {
  clock?: Clock;
  onProgress?: (line: string) => void;
  ancestry?: RevisionAncestry;
}

/** The ancestry facts for the revisions other than our commit itself. */
async function relationsFor(revisions: readonly string[], commit: string, context: ReadContext) {
  const others = [...new Set(revisions.map((r) => r.toLowerCase()))].filter((r) => !sameCommit(r, commit));
  return context.ancestry && others.length > 0
    ? context.ancestry.relations(others, commit)
    : (new Map() as RevisionRelations);
}

async function readJson(
  url: URL,
  token: string | undefined,
  fields: EngineFields,
  what: string,
  context: ReadContext,
): Promise<unknown> {
  const response = await fetchRetrying(
    url,
    { headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } },
    { what: `${what} (GET ${url.pathname})`, fix: 'Re-run the wait: reading the status changes nothing.' },
    {
      policy: readPolicy,
      ...(context.clock ? { clock: context.clock } : {}),
      ...(context.onProgress ? { onProgress: context.onProgress } : {}),
    },
  );
  const text = await response.text();
  if (response.ok) {
    try {
      return JSON.parse(text);
    } catch {
      throw inputError(`${what} answered ${response.status} with something that is not JSON.`, {
        field: fields.url,
        fix: `Check ${fields.url}: it must be the API's base URL.`,
      });
    }
  }
  // Argo CD (a gRPC status) and Kubernetes (a meta/v1 Status) both say what is wrong in `message`
  let message = text;
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === 'string' && body.message) message = body.message;
  } catch {
    // not JSON: the text as it came
  }
  const said = scrubSecrets(message.slice(0, 300).replace(/\s+/g, ' '), [token]);
  if (response.status === 401 || response.status === 403) {
    throw inputError(`${what} refused the token (${response.status}): ${said}`, {
      field: fields.token,
      fix: `Give ${fields.token} a token that may read it${response.status === 403 ? ' (or check the name: Argo CD answers 403 for an application that does not exist)' : ''}.`,
    });
  }
  if (response.status === 404) {
    throw inputError(`${what} does not exist (404): ${said}`, {
      field: fields.name,
      fix: `Check ${fields.name} and ${fields.url}.`,
    });
  }
  throw inputError(`${what} answered ${response.status}: ${said}`, {
    field: fields.url,
    fix: `Check ${fields.url} and ${fields.name}.`,
  });
}

/** `namespace/name` or `name`. */
function splitName(
  value: string,
  field: string,
  requireNamespace: boolean,
): { namespace?: string; name: string } {
  const parts = value.split('/');
  const valid = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
  if (parts.length > 2 || parts.some((p) => !valid.test(p)) || (requireNamespace && parts.length !== 2)) {
    throw inputError(
      `${field} "${value}" is not ${requireNamespace ? 'namespace/name' : 'a name or namespace/name'}.`,
      {
        field,
        fix: requireNamespace
          ? 'Write it as flux-system/apps, the namespace and the name.'
          : 'Write the application name, e.g. shop-prod, or namespace/name.',
      },
    );
  }
  return parts.length === 2
    ? { namespace: parts[0] as string, name: parts[1] as string }
    : { name: parts[0] as string };
}

function baseUrl(value: string, field: string): URL {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
    return url;
  } catch {
    throw inputError(`${field} "${value}" is not an http(s) URL.`, {
      field,
      fix: 'Give the base URL, e.g. https://argocd.example.com.',
    });
  }
}

const join = (base: URL, path: string) => new URL(`${base.pathname.replace(/\/$/, '')}${path}`, base);

function argoCdSource(
  connection: Extract<EngineConnection, { engine: 'argocd' }>,
  commit: string,
  context: ReadContext,
): EngineStatusSource {
  const base = baseUrl(connection.url, connection.field.url);
  const { namespace, name } = splitName(connection.application, connection.field.name, false);
  rememberSecret(connection.token);
  const what = `Argo CD application ${connection.application}`;
  return {
    what,
    async read(attempt): Promise<EngineDecision> {
      const url = join(base, `/api/v1/applications/${encodeURIComponent(name)}`);
      if (namespace) url.searchParams.set('appNamespace', namespace);
      // the first reading asks Argo CD to look at the repository now, not at its next poll (3 min)
      if (attempt === 1) url.searchParams.set('refresh', 'normal');
      const application = (await readJson(
        url,
        connection.token,
        connection.field,
        what,
        context,
      )) as ArgoCdApplication;
      const relations = await relationsFor(argoCdRevisions(application), commit, context);
      return decideArgoCd(application, commit, relations, context.ancestry?.environmentFile);
    },
  };
}

function fluxSource(
  connection: Extract<EngineConnection, { engine: 'flux' }>,
  commit: string,
  context: ReadContext,
): EngineStatusSource {
  const base = baseUrl(connection.kubeApiUrl, connection.field.url);
  const { namespace, name } = splitName(connection.kustomization, connection.field.name, true);
  rememberSecret(connection.token);
  const what = `Flux Kustomization ${connection.kustomization}`;
  const path = `/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/${encodeURIComponent(namespace ?? '')}/kustomizations/${encodeURIComponent(name)}`;
  return {
    what,
    async read(): Promise<EngineDecision> {
      const kustomization = (await readJson(
        join(base, path),
        connection.token,
        connection.field,
        what,
        context,
      )) as FluxKustomization;
      const relations = await relationsFor(fluxRevisions(kustomization), commit, context);
      return decideFlux(kustomization, commit, relations, context.ancestry?.environmentFile);
    },
  };
}

/** The engines by name: how to read each one's status for a commit. */
export const engineStatusSources: Record<
  EngineName,
  (connection: EngineConnection, commit: string, context: ReadContext) => EngineStatusSource
> = {
  argocd: (connection, commit, context) =>
    argoCdSource(connection as Extract<EngineConnection, { engine: 'argocd' }>, commit, context),
  flux: (connection, commit, context) =>
    fluxSource(connection as Extract<EngineConnection, { engine: 'flux' }>, commit, context),
};

/** A commit as the engines report it: hex, 7 to 40 digits (a SHA-1; 64 for SHA-256 repositories). */
export function parseCommit(value: string, field: string): string {
  if (!/^[0-9a-f]{7,64}$/i.test(value)) {
    throw inputError(`${field} "${value}" is not a commit SHA.`, {
      field,
      fix: 'Pass the promotion commit (promote-env output `commit`, `relx promote --json` .commit).',
    });
  }
  return value.toLowerCase();
}

/** `10m`, `90s`, `1h`, `1h30m`, or seconds as a number. */
export function parseWaitDuration(value: string, field: string): number {
  const trimmed = value.trim();
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000 };
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(trimmed);
  const ms = /^\d+$/.test(trimmed)
    ? Number(trimmed) * 1000
    : match && trimmed !== ''
      ? ['h', 'm', 's'].reduce((sum, unit, i) => sum + Number(match[i + 1] ?? 0) * (units[unit] ?? 0), 0)
      : Number.NaN;
  if (!(ms > 0)) {
    throw inputError(`${field} "${value}" is not a duration longer than 0.`, {
      field,
      fix: 'Write it as 10m, 90s, 1h30m or a number of seconds.',
    });
  }
  return ms;
}

export interface EngineConnectionInput {
  engine: string | undefined;
  argocd: { url?: string; application?: string; token?: string };
  flux: { kubeApiUrl?: string; kustomization?: string; token?: string };
}

/** Which engine and where, from flags or inputs; what is missing is named by its flag or input. */
export function parseEngineConnection(
  input: EngineConnectionInput,
  fields: { engine: string; argocd: EngineFields; flux: EngineFields },
): EngineConnection {
  const required = (value: string | undefined, field: string, what: string) => {
    if (!value?.trim()) {
      throw inputError(`${field} is required with ${fields.engine} ${input.engine}.`, {
        field,
        fix: `Give ${what}.`,
      });
    }
    return value.trim();
  };
  const token = (value: string | undefined) => (value?.trim() ? { token: value.trim() } : {});
  if (input.engine === 'argocd') {
    return {
      engine: 'argocd',
      url: required(input.argocd.url, fields.argocd.url, "Argo CD's URL, e.g. https://argocd.example.com"),
      application: required(
        input.argocd.application,
        fields.argocd.name,
        'the Application that deploys the environment',
      ),
      ...token(input.argocd.token),
      field: fields.argocd,
    };
  }
  if (input.engine === 'flux') {
    return {
      engine: 'flux',
      kubeApiUrl: required(input.flux.kubeApiUrl, fields.flux.url, "the Kubernetes API server's URL"),
      kustomization: required(
        input.flux.kustomization,
        fields.flux.name,
        'the Kustomization as namespace/name, e.g. flux-system/apps',
      ),
      ...token(input.flux.token),
      field: fields.flux,
    };
  }
  throw inputError(`${fields.engine} "${input.engine ?? ''}" is not an engine relx can wait for.`, {
    field: fields.engine,
    fix: `Use one of: ${Object.keys(engineStatusSources).join(', ')}.`,
  });
}
