import { repositoryRequest, statusOf, type GitHubRequest, type RepositoryCall } from './github-request.js';

type Json = Record<string, unknown>;
/** Where a deployment carries the key of the promotion that made it. */
const keyField = 'relx_promotion';

/**
 * GitHub's record of a promotion: a deployment for the environment and its statuses, and who
 * approved the run for that environment (required reviewers of a GitHub Environment).
 */
export class GitHubDeployments {
  private readonly call: RepositoryCall;

  constructor(request: GitHubRequest, owner: string, repo: string, sleep?: (ms: number) => Promise<void>) {
    this.call = repositoryRequest(request, owner, repo, sleep);
  }

  /** Logins that approved this run for the environment; null when GitHub will not say (no permission). */
  async approvers(runId: number, environment: string): Promise<string[] | null> {
    try {
      const { data } = await this.call('GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals', {
        run_id: runId,
      });
      const approvals = data as Array<{
        state: string;
        user: { login: string };
        environments: Array<{ name?: string }>;
      }>;
      return [
        ...new Set(
          approvals
            .filter((a) => a.state === 'approved' && a.environments.some((e) => e.name === environment))
            .map((a) => a.user.login),
        ),
      ];
    } catch (error) {
      const status = statusOf(error);
      if (status === 403 || status === 404) return null;
      throw error;
    }
  }

  /**
   * The deployment for this promotion, made once. `key` names the promotion (the shell uses the
   * workflow run and environment), is kept in the deployment's payload, and is looked up first:
   * a re-run of the job, or a creation whose answer was lost (a 502 after GitHub made it), finds
   * the deployment already made instead of making a second.
   */
  async start(input: {
    key: string;
    ref: string;
    environment: string;
    description: string;
    production: boolean;
    payload: Record<string, unknown>;
  }): Promise<number> {
    const existing = await this.find(input.environment, input.key);
    if (existing !== null) return existing;
    const { data } = await this.call(
      'POST /repos/{owner}/{repo}/deployments',
      {
        ref: input.ref,
        environment: input.environment,
        description: input.description,
        auto_merge: false,
        required_contexts: [],
        production_environment: input.production,
        transient_environment: false,
        payload: { ...input.payload, [keyField]: input.key },
      },
      {
        alreadyDone: async () => {
          const id = await this.find(input.environment, input.key);
          return id === null ? undefined : { status: 200, data: { id } };
        },
      },
    );
    const id = (data as { id: number }).id;
    await this.status(id, 'in_progress', input.description);
    return id;
  }

  private async find(environment: string, key: string): Promise<number | null> {
    const { data } = await this.call('GET /repos/{owner}/{repo}/deployments', { environment, per_page: 100 });
    const found = (data as Array<{ id: number; payload: unknown }>).find(
      (d) => typeof d.payload === 'object' && d.payload !== null && (d.payload as Json)[keyField] === key,
    );
    return found ? found.id : null;
  }

  /** A status once: after a lost answer, the latest status is looked at before another is posted. */
  async status(
    id: number,
    state: 'in_progress' | 'success' | 'failure' | 'error',
    description: string,
    logUrl?: string,
  ): Promise<void> {
    const text = description.slice(0, 140);
    await this.call(
      'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      {
        deployment_id: id,
        state,
        description: text,
        ...(logUrl ? { log_url: logUrl } : {}),
        auto_inactive: state === 'success',
      },
      {
        alreadyDone: async () => {
          const { data } = await this.call('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
            deployment_id: id,
            per_page: 1,
          });
          const [latest] = data as Array<{ state: string; description: string | null }>;
          return latest?.state === state && latest.description === text
            ? { status: 200, data: latest }
            : undefined;
        },
      },
    );
  }
}
