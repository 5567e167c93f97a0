import { repositoryRequest, statusOf, type GitHubRequest } from './github-request.js';

/**
 * GitHub's record of a promotion: a deployment for the environment and its statuses, and who
 * approved the run for that environment (required reviewers of a GitHub Environment).
 */
export class GitHubDeployments {
  private readonly call: ReturnType<typeof repositoryRequest>;

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

  async start(input: {
    ref: string;
    environment: string;
    description: string;
    production: boolean;
    payload: Record<string, unknown>;
  }): Promise<number> {
    const { data } = await this.call('POST /repos/{owner}/{repo}/deployments', {
      ref: input.ref,
      environment: input.environment,
      description: input.description,
      auto_merge: false,
      required_contexts: [],
      production_environment: input.production,
      transient_environment: false,
      payload: input.payload,
    });
    const id = (data as { id: number }).id;
    await this.status(id, 'in_progress', input.description);
    return id;
  }

  async status(
    id: number,
    state: 'in_progress' | 'success' | 'failure' | 'error',
    description: string,
    logUrl?: string,
  ): Promise<void> {
    await this.call('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      deployment_id: id,
      state,
      description: description.slice(0, 140),
      ...(logUrl ? { log_url: logUrl } : {}),
      auto_inactive: state === 'success',
    });
  }
}
