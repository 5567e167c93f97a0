// `npm run demo`: the whole relx chain on a generated sample repository, with local stand-ins
// that need nothing but `npm ci` — Verdaccio in-process for npm, an in-memory OCI registry, bare
// git repositories for the source and GitOps, and Prometheus (Debian's when it is installed, else
// an in-process stand-in that answers its query API over the same sample metrics). Each stage is
// the relx CLI, exactly as a terminal or the actions run it. Bundled to dist/demo/index.js.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitOpsEnvironments } from './gitops-promotion.js';
import { bold, elapsedSeconds, heading, show } from './narration.js';
import { SamplePlatform } from './sample-platform.js';
import { startStandIns, type Stop } from './stand-ins.js';

/** The story, stage by stage: each is printed as the heading of its part. */
const stages = {
  standIns: 'Starting the local stand-ins',
  platform: 'A sample platform: two libraries, the api service image built from one, its Helm chart',
  plan: '1. relx plan — what to release and why, from one git log pass',
  version: '2. relx version — versions, changelogs, one release commit, a tag per component',
  publish: '3. relx publish — npm packages, the image promoted by digest, the chart as an OCI artifact',
  manifest: '4. relx manifest — the release manifest: every component pinned, and its CycloneDX BOM',
  promote: '5. CD: promote through dev → staging → prod by GitOps commits, each checked against the SLO',
  status: '6. relx status --env prod — what runs in production, from which commit',
  fix: '7. A fix in the library: core patch → api image patch → chart patch → a new manifest',
  gatedFix:
    '8. CD again — this canary errs: the gate stops the release and production keeps the previous one',
  history: '   relx history --env prod — who promoted and approved it, when',
} as const;

const work = mkdtempSync(join(tmpdir(), 'relx-demo-'));
const stops: Stop[] = [];
try {
  heading(stages.standIns);
  const standIns = await startStandIns(stops);

  heading(stages.platform);
  const platform = SamplePlatform.create(work, standIns);
  stops.push(() => platform.remove());
  platform.changeTheLibrary(
    'feat(core): retries with backoff',
    'exports.retry = (f, n = 3) => f() ?? (n > 0 && exports.retry(f, n - 1));\n',
  );

  heading(stages.plan);
  show(await platform.relx(['plan']));

  heading(stages.version);
  show(await platform.relx(['version', '--push']));

  heading(stages.publish);
  const published = await platform.publish('published.json');

  heading(stages.manifest);
  const first = await platform.manifest(published);
  show(readFileSync(join(platform.dir, first), 'utf8'));

  heading(stages.promote);
  const gitops = GitOpsEnvironments.create(work);
  await gitops.promoteThrough(platform, first, 'canary', standIns.prometheusUrl);

  const prodStatus = ['status', '--env', 'prod', '--gitops', gitops.url];
  heading(stages.status);
  show(await platform.relx(prodStatus));

  heading(stages.fix);
  platform.changeTheLibrary(
    'fix(core): retry on exceptions, not on falsy results',
    'exports.retry = (f, n = 3) => { try { return f(); } catch (e) { if (n > 0) return exports.retry(f, n - 1); throw e; } };\n',
  );
  await platform.release();
  const second = await platform.manifest(await platform.publish('published-2.json'));
  show(await platform.relx(['diff', first, second]));

  heading(stages.gatedFix);
  await gitops.promoteThrough(platform, second, 'canary-2', standIns.prometheusUrl);
  show(await platform.relx(prodStatus));

  heading(stages.history);
  show(await platform.relx(['history', '--env', 'prod', '--gitops', gitops.url]));
  console.log(`\n${bold(`Done in ${elapsedSeconds()} s`)} — from a commit to production.`);
} finally {
  for (const stop of stops.reverse()) await stop();
  rmSync(work, { recursive: true, force: true });
}
