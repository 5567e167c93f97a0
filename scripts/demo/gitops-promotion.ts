// CD in the demo: a GitOps repository with dev, staging and prod, and a release promoted through
// them by relx promote, each step but prod checked by relx slo-gate against the canary's traffic.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitRepo } from '../../test/git-repo.js';
import { bold, show } from './narration.js';
import { relxVerdict } from './relx-cli.js';
import type { SamplePlatform } from './sample-platform.js';

const environments = ['dev', 'staging', 'prod'] as const;

interface GateReport {
  verdict: string;
  samples: Array<{ baseline: { errorRate: number }; canary: { errorRate: number } }>;
}

/** The gate's policy: `canary`'s error rate against stable's over 30 minutes; latency is not measured. */
export const sloPolicy = (canary: string) =>
  [
    'selector: {scenario: api}',
    `baseline: 'version="stable"'`,
    `canary: 'version="${canary}"'`,
    'window: 30m',
    'objectives: {maxErrorRateDelta: 0.01, minRequests: 100}',
    'queries:',
    '  p99LatencyMs: vector(0)',
    '',
  ].join('\n');

export class GitOpsEnvironments {
  private constructor(
    /** The bare repository relx promote commits to. */
    readonly url: string,
    private readonly work: string,
  ) {}

  /** A bare GitOps repository in `work`, seeded with an overlay per environment. */
  static create(work: string): GitOpsEnvironments {
    const url = join(work, 'gitops.git');
    mkdirSync(url);
    GitRepo.create({ dir: url, bare: true });
    const seed = GitRepo.create();
    try {
      seed.write(
        'relx.gitops.yaml',
        'environments: [dev, staging, prod]\noverlays:\n  - { component: api, file: kustomization.yaml }\n',
      );
      for (const env of environments)
        seed.write(
          `environments/${env}/kustomization.yaml`,
          'resources: [../../base]\nimages:\n  - name: api\n    newTag: latest\n',
        );
      seed.commit('chore: environments');
      seed.git('push', '-q', url, 'main');
    } finally {
      seed.remove();
    }
    return new GitOpsEnvironments(url, work);
  }

  private policyFor(canary: string): string {
    const file = join(this.work, `slo-${canary}.yaml`);
    writeFileSync(file, sloPolicy(canary));
    return file;
  }

  /** dev → staging → prod, stopping where the gate on `canary`'s traffic does not pass. */
  async promoteThrough(platform: SamplePlatform, manifest: string, canary: string, prometheusUrl: string) {
    for (const env of environments) {
      const approver = env === 'prod' ? 'alice' : 'ci';
      show(
        await platform.relx([
          'promote',
          '--env',
          env,
          '--manifest',
          manifest,
          '--gitops',
          this.url,
          '--approved-by',
          approver,
        ]),
      );
      if (env === 'prod') return;
      const policy = this.policyFor(canary);
      const gate = ['slo-gate', '--policy', policy, '--prometheus-url', prometheusUrl, '--json'];
      const { stdout, code } = await relxVerdict(platform.dir, gate);
      const report = JSON.parse(stdout) as GateReport;
      const percent = (rate: number | undefined) => `${((rate ?? Number.NaN) * 100).toFixed(2)}%`;
      const [sample] = report.samples;
      console.log(
        `  SLO gate after ${env}: ${report.verdict} — error rate baseline ${percent(sample?.baseline.errorRate)}, canary ${percent(sample?.canary.errorRate)} (at most +1.00 point)`,
      );
      if (code !== 0) {
        console.log(`  ${bold(`Stopped at ${env}`)}: the release goes no further.`);
        return;
      }
    }
  }
}
