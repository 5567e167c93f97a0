import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { renderError } from '../../src/relx-error.js';
import { planRepositoryRelease } from '../../src/release-plan/plan-repository-release.js';
import { releasedComponents, serializeReleasePlan } from '../../src/release-plan/release-plan.js';
import { renderPlanSummary, renderPlanTable } from '../../src/release-plan/render-plan.js';
import { fitStepSummary } from '../../src/summary/fit-step-summary.js';

interface Inputs {
  workingDirectory: string;
  config: string | null;
  range: string | null;
  branch: string | null;
  cache: boolean;
}

function readInputs(): Inputs {
  const ref = process.env.GITHUB_REF ?? '';
  return {
    workingDirectory: resolve(process.env.GITHUB_WORKSPACE ?? '.', core.getInput('working-directory') || '.'),
    config: core.getInput('config') || null,
    range: core.getInput('range') || null,
    // A pull request's merge commit is checked out detached: name the branch from the event.
    branch:
      core.getInput('branch') || (ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null),
    cache: core.getBooleanInput('cache'),
  };
}

const historyCacheKey = 'relx-history-';

export async function run(): Promise<void> {
  try {
    const inputs = readInputs();
    const temp = process.env.RUNNER_TEMP ?? tmpdir();
    const cacheFile = join(temp, 'relx', 'history-index.json');
    const useCache = inputs.cache && cache.isFeatureAvailable();
    if (inputs.cache && !useCache)
      core.info('The Actions cache service is not available here: reading the whole range.');
    if (useCache) {
      const hit = await cache
        .restoreCache([cacheFile], `${historyCacheKey}${process.env.GITHUB_SHA ?? ''}`, [historyCacheKey])
        .catch((error: unknown) => {
          core.warning(`Could not restore the history cache: ${renderError(error)}`);
          return undefined;
        });
      core.info(hit ? `Restored history cache ${hit}.` : 'No history cache yet.');
    }

    const { plan, stats } = await planRepositoryRelease(inputs.workingDirectory, {
      ...(inputs.config ? { configFile: inputs.config } : {}),
      ...(inputs.range ? { range: inputs.range } : {}),
      ...(inputs.branch ? { branch: inputs.branch } : {}),
      ...(useCache ? { cacheFile } : {}),
      now: new Date(),
      onProgress: (message) => core.info(message),
    });
    core.info(renderPlanTable(plan));
    core.info(
      `Read ${stats.commitsRead} commit(s) from git` +
        (stats.cache === 'off'
          ? '.'
          : `, ${stats.commitsFromCache} from the cache (${stats.cache}: ${stats.cacheReason}).`),
    );
    if (stats.cache === 'discarded') core.warning(`History cache discarded: ${stats.cacheReason}.`);

    if (useCache) {
      await cache.saveCache([cacheFile], `${historyCacheKey}${plan.head}`).catch((error: unknown) => {
        // Another run of the same commit saved it first: that entry is just as good.
        core.info(`History cache not saved: ${renderError(error)}`);
      });
    }

    const json = serializeReleasePlan(plan);
    const planFile = join(temp, 'relx', 'release-plan.json');
    await mkdir(join(temp, 'relx'), { recursive: true });
    await writeFile(planFile, json);
    const released = releasedComponents(plan).map((c) => c.name);
    core.setOutput('plan', json.trimEnd());
    core.setOutput('plan-file', planFile);
    core.setOutput('has-releases', released.length > 0 ? 'true' : 'false');
    core.setOutput('components', JSON.stringify(released));
    const whereFull = `the \`plan-file\` output (${planFile}; upload it with actions/upload-artifact to keep it)`;
    await core.summary.addRaw(fitStepSummary(renderPlanSummary(plan), { whereFull }).text).write();
  } catch (error) {
    core.setFailed(renderError(error));
  }
}
