// Extracts what `relx wait` calls from the GitOps engines' published API descriptions into
// test/argocd/argocd-openapi.json and test/kubernetes-api/kubernetes-openapi.json, with every
// definition they reference, and records the repository, commit, file and SHA-256 each came from.
// The full descriptions (Argo CD 360 KB, Kubernetes 4 MB) are not needed on every test run.
//
//   Argo CD:   argoproj/argo-cd                 assets/swagger.json (OpenAPI v2)
//              → GET /api/v1/applications/{name}
//   Flux:      fluxcd/kustomize-controller      config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml
//              → the v1 Kustomization's openAPIV3Schema
//   Kubernetes kubernetes-client/javascript     src/gen/swagger.json.unprocessed (the Kubernetes API's
//              api/openapi-spec/swagger.json of a release, as the client generator takes it)
//              → ObjectMeta, Status and the read operation of a namespaced resource
//
// The API server publishes a custom resource's GET the way it publishes a built-in one: the
// read operation of a namespaced resource (here a coordination.k8s.io Lease's, the template),
// answering the CRD's schema with `metadata` as ObjectMeta. The Kubernetes extract is built so.
//
// Regenerate (each argument a git directory, optionally @commit):
//   node scripts/engine-openapi/extract.mjs <argo-cd.git> <kustomize-controller.git> <kubernetes-client-javascript.git>
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '..', '..');
const [argoArg, fluxArg, kubernetesArg] = process.argv.slice(2);
if (!argoArg || !fluxArg || !kubernetesArg) {
  console.error(
    'usage: extract.mjs <argo-cd git dir[@commit]> <kustomize-controller …> <kubernetes-client-javascript …>',
  );
  process.exit(2);
}

/** A file of a git directory at a commit, with where it came from. */
function source(argument, repository, file) {
  const [gitDir, ref = 'HEAD'] = argument.split('@');
  const git = (...args) => execFileSync('git', ['--git-dir', gitDir, ...args], { maxBuffer: 64 << 20 });
  const commit = git('rev-parse', `${ref}^{commit}`).toString().trim();
  // the commit that last changed the file, too: the description's own version
  const changedIn = git('log', '-1', '--format=%H', commit, '--', file).toString().trim();
  const raw = git('show', `${commit}:${file}`);
  return {
    raw,
    origin: {
      repository,
      file,
      commit,
      'file-last-changed-in': changedIn,
      sha256: createHash('sha256').update(raw).digest('hex'),
    },
  };
}

// Descriptions and titles are prose; validation needs the shapes. (Keys of a `properties` map are
// field names — a field may be called `description` — so they stay.)
const prose = new Set(['description', 'title', 'example']);
const strip = (value, fieldNames = false) => {
  if (Array.isArray(value)) return value.map((v) => strip(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key, v]) => fieldNames || !(prose.has(key) && typeof v === 'string'))
        .map(([key, v]) => [
          key,
          strip(v, !fieldNames && (key === 'properties' || key === 'patternProperties')),
        ]),
    );
  }
  return value;
};

/** Every `#/definitions/…` (and `#/parameters/…`) `value` reaches, copied from `spec`. */
function closure(spec, value, into = { definitions: {}, parameters: {} }) {
  const visit = (v) => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    for (const [key, child] of Object.entries(v)) {
      if (key === '$ref' && typeof child === 'string') {
        const [, kind, name] = child.split('/');
        if (kind !== 'definitions' && kind !== 'parameters') throw new Error(`unexpected $ref ${child}`);
        if (!into[kind][name]) {
          into[kind][name] = strip(spec[kind][name]);
          visit(into[kind][name]);
        }
      } else visit(child);
    }
  };
  visit(value);
  return into;
}

const sortKeys = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
// formatted as `prettier --check` wants it, so the extract is the script's output byte for byte
const write = async (path, value) => {
  const file = resolve(root, path);
  const options = { ...(await resolveConfig(file)), filepath: file };
  writeFileSync(file, await format(JSON.stringify(value), options));
  console.log(`wrote ${path}: ${Object.keys(value.definitions).length} definitions`);
};

// Argo CD: the Application read.
{
  const { raw, origin } = source(argoArg, 'argoproj/argo-cd', 'assets/swagger.json');
  const spec = JSON.parse(raw.toString('utf8'));
  const path = '/api/v1/applications/{name}';
  const operation = strip(spec.paths[path]?.get);
  if (!operation) throw new Error(`GET ${path} is not in Argo CD's description`);
  const { definitions } = closure(spec, operation);
  await write('test/argocd/argocd-openapi.json', {
    swagger: spec.swagger,
    info: { title: 'Argo CD API (the operations relx calls)', 'x-relx-extracted-from': origin },
    consumes: spec.consumes,
    produces: spec.produces,
    paths: { [path]: { get: operation } },
    definitions: sortKeys(definitions),
  });
}

// Kubernetes API with Flux's Kustomization.
{
  const kubernetes = source(
    kubernetesArg,
    'kubernetes-client/javascript',
    'src/gen/swagger.json.unprocessed',
  );
  const flux = source(
    fluxArg,
    'fluxcd/kustomize-controller',
    'config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml',
  );
  const spec = JSON.parse(kubernetes.raw.toString('utf8'));
  const crd = parse(flux.raw.toString('utf8'));
  const version = crd.spec.versions.find((v) => v.name === 'v1');
  if (!version?.served) throw new Error('the Kustomization CRD serves no v1');
  const group = crd.spec.group;
  const kind = crd.spec.names.kind;
  const plural = crd.spec.names.plural;
  // the API server's name for a custom resource's definition: the group reversed
  const name = `${group.split('.').reverse().join('.')}.v1.${kind}`;
  const objectMeta = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
  const schema = strip(version.schema.openAPIV3Schema);
  schema.properties.metadata = { $ref: `#/definitions/${objectMeta}` };
  schema['x-kubernetes-group-version-kind'] = [{ group, kind, version: 'v1' }];

  const template = spec.paths['/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}'];
  const read = strip(template.get);
  read.operationId = `read${kind}`;
  read.tags = [`${group}_v1`];
  read.responses['200'] = { schema: { $ref: `#/definitions/${name}` } };
  read['x-kubernetes-group-version-kind'] = { group, kind, version: 'v1' };
  const parameters = strip(template.parameters);
  const into = closure(spec, {
    parameters,
    read,
    status: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Status' },
    meta: { $ref: `#/definitions/${objectMeta}` },
  });
  into.definitions[name] = schema;
  await write('test/kubernetes-api/kubernetes-openapi.json', {
    swagger: spec.swagger,
    info: {
      title: `Kubernetes API with ${group}/v1 ${kind} (the operations relx calls)`,
      'x-relx-extracted-from': [kubernetes.origin, flux.origin],
      'x-relx-operation-template': 'GET /apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}',
    },
    paths: { [`/apis/${group}/v1/namespaces/{namespace}/${plural}/{name}`]: { parameters, get: read } },
    parameters: sortKeys(into.parameters),
    definitions: sortKeys(into.definitions),
  });
}
