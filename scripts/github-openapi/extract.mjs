// Extracts the operations relx calls from GitHub's published OpenAPI description
// (@octokit/openapi's generated/api.github.com.json) into test/github-api/github-openapi.json,
// with every component they reference. The full description is 13 MB and the package ~385 MB,
// too heavy for every CI run; the extract is committed and records where it came from.
// Regenerate: npm install --prefix /tmp/octokit-openapi @octokit/openapi
//             node scripts/github-openapi/extract.mjs /tmp/octokit-openapi/node_modules/@octokit/openapi
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const operations = [
  ['get', '/repos/{owner}/{repo}'],
  ['get', '/repos/{owner}/{repo}/releases'],
  ['post', '/repos/{owner}/{repo}/releases'],
  ['get', '/repos/{owner}/{repo}/releases/tags/{tag}'],
  ['patch', '/repos/{owner}/{repo}/releases/{release_id}'],
  ['post', '/repos/{owner}/{repo}/releases/{release_id}/assets'],
  ['post', '/repos/{owner}/{repo}/dispatches'],
  ['get', '/repos/{owner}/{repo}/contents/{path}'],
  ['get', '/repos/{owner}/{repo}/git/blobs/{file_sha}'],
  ['get', '/repos/{owner}/{repo}/deployments'],
  ['post', '/repos/{owner}/{repo}/deployments'],
  ['get', '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses'],
  ['post', '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses'],
  ['get', '/repos/{owner}/{repo}/actions/runs/{run_id}/approvals'],
  // release pull requests and previews
  ['get', '/repos/{owner}/{repo}/pulls'],
  ['post', '/repos/{owner}/{repo}/pulls'],
  ['get', '/repos/{owner}/{repo}/pulls/{pull_number}'],
  ['patch', '/repos/{owner}/{repo}/pulls/{pull_number}'],
  ['get', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['post', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['patch', '/repos/{owner}/{repo}/issues/comments/{comment_id}'],
  ['delete', '/repos/{owner}/{repo}/issues/comments/{comment_id}'],
  ['post', '/repos/{owner}/{repo}/issues/{issue_number}/labels'],
  ['delete', '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}'],
  // verified commits: the git data API
  ['post', '/repos/{owner}/{repo}/git/blobs'],
  ['post', '/repos/{owner}/{repo}/git/trees'],
  ['post', '/repos/{owner}/{repo}/git/commits'],
  ['get', '/repos/{owner}/{repo}/git/commits/{commit_sha}'],
  ['get', '/repos/{owner}/{repo}/git/ref/{ref}'],
  ['post', '/repos/{owner}/{repo}/git/refs'],
  ['patch', '/repos/{owner}/{repo}/git/refs/{ref}'],
  ['post', '/repos/{owner}/{repo}/git/tags'],
  ['get', '/repos/{owner}/{repo}/git/tags/{tag_sha}'],
];

const packageDir = resolve(process.argv[2] ?? 'node_modules/@octokit/openapi');
const sourceFile = join(packageDir, 'generated', 'api.github.com.json');
const raw = readFileSync(sourceFile);
const spec = JSON.parse(raw.toString('utf8'));
const version = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version;

// Examples and GitHub's doc metadata are not needed to validate requests and responses.
const strip = (value) => {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== 'examples' && key !== 'example' && !key.startsWith('x-github'))
        .map(([key, v]) => [key, strip(v)]),
    );
  }
  return value;
};

const components = {};
const visit = (value) => {
  if (Array.isArray(value)) return value.forEach(visit);
  if (!value || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    if (key === '$ref' && typeof v === 'string' && v.startsWith('#/components/')) {
      const [, , kind, name] = v.split('/');
      components[kind] ??= {};
      if (!components[kind][name]) {
        components[kind][name] = strip(spec.components[kind][name]);
        visit(components[kind][name]);
      }
    } else visit(v);
  }
};

const paths = {};
for (const [method, path] of operations) {
  const operation = spec.paths[path]?.[method];
  if (!operation) throw new Error(`${method.toUpperCase()} ${path} is not in ${sourceFile}`);
  paths[path] ??= {};
  paths[path][method] = strip(operation);
  visit(paths[path][method]);
}
const sortKeys = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
for (const kind of Object.keys(components)) components[kind] = sortKeys(components[kind]);

const extract = {
  openapi: spec.openapi,
  info: {
    ...spec.info,
    'x-relx-extracted-from': {
      package: `@octokit/openapi@${version}`,
      file: 'generated/api.github.com.json',
      sha256: createHash('sha256').update(raw).digest('hex'),
    },
  },
  servers: spec.servers,
  paths: sortKeys(paths),
  components: sortKeys(components),
};
const out = resolve(import.meta.dirname, '..', '..', 'test', 'github-api', 'github-openapi.json');
writeFileSync(out, `${JSON.stringify(extract, null, 1)}\n`);
console.log(
  `wrote ${out}: ${operations.length} operations, ${Object.values(components).reduce((n, c) => n + Object.keys(c).length, 0)} components`,
);
