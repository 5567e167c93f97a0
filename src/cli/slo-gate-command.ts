import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { inputError } from '../relx-error.js';
import { basicAuthSecrets } from '../secret-scrubber.js';
import { renderSloGateTexts } from '../slo/render-slo-report.js';
import { runSloGate } from '../slo/run-slo-gate.js';
import { connectSloGate } from '../slo/slo-connection.js';
import { parseSloPolicy } from '../slo/slo-policy.js';

/** `relx slo-gate`: the gate from a terminal. Exit code 0 when it passes, 1 when it does not. */
export function registerSloGateCommand(program: Command): void {
  program
    .command('slo-gate')
    .description(
      'Compare canary with baseline (Prometheus or Datadog) against an SLO policy: pass, fail or inconclusive.',
    )
    .requiredOption('--policy <file>', 'the SLO policy (YAML)')
    .option(
      '--prometheus-url <url>',
      'Prometheus base URL (token: PROMETHEUS_TOKEN, or PROMETHEUS_USERNAME/PASSWORD)',
    )
    .option('--datadog-site <site>', 'Datadog site (keys: DD_API_KEY and DD_APP_KEY)', 'datadoghq.com')
    .option('--time <iso>', 'evaluate at this time instead of now')
    .option('--json', 'print the JSON report')
    .action(
      async (options: {
        policy: string;
        prometheusUrl?: string;
        datadogSite: string;
        time?: string;
        json?: boolean;
      }) => {
        const text = await readFile(resolve(options.policy), 'utf8').catch(() => {
          throw inputError(`Cannot read the policy file ${options.policy}.`, {
            field: '--policy',
            fix: 'Check the path.',
          });
        });
        const policy = parseSloPolicy(text, options.policy);
        const at = options.time ? new Date(options.time) : undefined;
        if (at && Number.isNaN(at.getTime())) {
          throw inputError(`--time "${options.time}" is not a date.`, {
            field: '--time',
            fix: 'Use ISO 8601.',
          });
        }
        const env = process.env;
        const { provider, queries } = connectSloGate(
          policy,
          {
            ...(options.prometheusUrl ? { prometheusUrl: options.prometheusUrl } : {}),
            ...(env.PROMETHEUS_TOKEN ? { prometheusToken: env.PROMETHEUS_TOKEN } : {}),
            ...(env.PROMETHEUS_USERNAME ? { prometheusUsername: env.PROMETHEUS_USERNAME } : {}),
            ...(env.PROMETHEUS_PASSWORD ? { prometheusPassword: env.PROMETHEUS_PASSWORD } : {}),
            datadogSite: options.datadogSite,
            ...(env.DD_API_KEY ? { datadogApiKey: env.DD_API_KEY } : {}),
            ...(env.DD_APP_KEY ? { datadogApplicationKey: env.DD_APP_KEY } : {}),
          },
          options.policy,
        );
        const report = await runSloGate({
          policy,
          provider,
          queries,
          ...(at ? { at } : {}),
          onSample: (sample, i, of) =>
            process.stderr.write(`relx: sample ${i + 1}/${of} at ${sample.at}: ${sample.outcome}\n`),
        });
        const texts = renderSloGateTexts(report, {
          secrets: [
            env.PROMETHEUS_TOKEN,
            env.DD_API_KEY,
            env.DD_APP_KEY,
            ...basicAuthSecrets(env.PROMETHEUS_USERNAME, env.PROMETHEUS_PASSWORD),
          ],
        });
        process.stdout.write(options.json ? `${texts.json}\n` : texts.summary);
        if (!report.passed) process.exitCode = 1;
      },
    );
}
