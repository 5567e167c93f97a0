import { inputError } from '../relx-error.js';
import { datadogProvider } from './datadog-provider.js';
import type { MetricsProvider } from './metrics-provider.js';
import { prometheusProvider, type PrometheusAuth } from './prometheus-provider.js';
import type { SloPolicy } from './slo-policy.js';
import { datadogQueries, prometheusQueries, type SideQueries } from './slo-queries.js';

/** Where the policy's provider is and how to sign in: action inputs or CLI flags and environment. */
export interface SloConnection {
  prometheusUrl?: string;
  prometheusToken?: string;
  prometheusUsername?: string;
  prometheusPassword?: string;
  datadogSite?: string;
  datadogApiKey?: string;
  datadogApplicationKey?: string;
}

/** The provider and the queries for both sides, or an error naming the missing setting. */
export function connectSloGate(
  policy: SloPolicy,
  connection: SloConnection,
  source: string,
): { provider: MetricsProvider; queries: { baseline: SideQueries; canary: SideQueries } } {
  if (policy.provider === 'prometheus') {
    if (!connection.prometheusUrl || !/^https?:\/\//.test(connection.prometheusUrl)) {
      throw inputError('The policy uses Prometheus but no Prometheus URL is given.', {
        field: 'prometheus-url',
        fix: 'Set prometheus-url (or --prometheus-url) to the base URL, e.g. https://prometheus.example.com.',
      });
    }
    const auth: PrometheusAuth = connection.prometheusToken
      ? { bearer: connection.prometheusToken }
      : connection.prometheusUsername
        ? { username: connection.prometheusUsername, password: connection.prometheusPassword ?? '' }
        : null;
    return {
      provider: prometheusProvider(connection.prometheusUrl, auth),
      queries: {
        baseline: prometheusQueries(policy, 'baseline'),
        canary: prometheusQueries(policy, 'canary'),
      },
    };
  }
  if (!connection.datadogApiKey || !connection.datadogApplicationKey) {
    throw inputError('The policy uses Datadog but the API key or the application key is missing.', {
      field: connection.datadogApiKey ? 'datadog-application-key' : 'datadog-api-key',
      fix: 'Pass both keys from secrets (DD_API_KEY and DD_APP_KEY for the CLI).',
    });
  }
  return {
    provider: datadogProvider(connection.datadogSite ?? 'datadoghq.com', {
      apiKey: connection.datadogApiKey,
      applicationKey: connection.datadogApplicationKey,
    }),
    queries: {
      baseline: datadogQueries(policy, 'baseline', source),
      canary: datadogQueries(policy, 'canary', source),
    },
  };
}
