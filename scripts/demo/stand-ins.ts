// The local services the demo's sample platform releases to: Verdaccio in-process for npm (the
// tests' fixture), an in-memory OCI registry, and Prometheus over the sample's traffic — Debian's,
// loaded by the tests' fixture, when it is installed, else the in-process stand-in over the same
// OpenMetrics sample.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { startVerdaccio } from '../../test/npm-registry/verdaccio-fixture.js';
import {
  constant,
  openMetrics,
  startPrometheus,
  type Scenario,
} from '../../test/prometheus/prometheus-fixture.js';
import { erroringCanary, healthyCanary, stable } from '../../test/prometheus/slo-scenarios.js';
import { startRegistryStandIn } from './oci-registry-stand-in.js';
import { seriesFromOpenMetrics, startPrometheusStandIn } from './prometheus-stand-in.js';

/** Something started that must be stopped when the demo ends, however it ends. */
export type Stop = () => Promise<void>;

export interface StandIns {
  npm: { url: string; token: string };
  /** host:port of the OCI registry. */
  ociHost: string;
  prometheusUrl: string;
}

/**
 * The `api` service's traffic, scraped every 15 s for two hours up to just before now (label
 * `scenario="api"`): the first canary is as healthy as stable, the second errs.
 */
export const sampleTraffic: Record<string, Scenario> = {
  api: { stable: constant(stable), canary: constant(healthyCanary), 'canary-2': constant(erroringCanary) },
};

const onPath = (command: string) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));

/** Starts the three, adds how to stop each to `stops`, and says where they listen. */
export async function startStandIns(stops: Stop[]): Promise<StandIns> {
  const npm = await startVerdaccio();
  stops.push(npm.stop);
  const oci = await startRegistryStandIn();
  stops.push(oci.stop);
  // Without Debian's prometheus, a stand-in answers the same queries over the same sample: the
  // gates always measure, and the bad canary is always stopped.
  const real = onPath('prometheus') && onPath('promtool');
  const end = new Date(Date.now() - 30_000);
  const prometheus = real
    ? await startPrometheus(sampleTraffic, end)
    : await startPrometheusStandIn(seriesFromOpenMetrics(openMetrics(sampleTraffic, end)));
  stops.push(prometheus.stop);
  console.log(`  npm registry (Verdaccio) ${npm.url}\n  OCI registry ${oci.host}`);
  console.log(
    real
      ? `  Prometheus ${prometheus.url}`
      : `  Prometheus stand-in ${prometheus.url} — Debian's prometheus is not installed, so an in-process server answers /api/v1/query and /api/v1/query_range over the same sample metrics (apt-get install prometheus for the real one)`,
  );
  return { npm: { url: npm.url, token: npm.token }, ociHost: oci.host, prometheusUrl: prometheus.url };
}
