/** The token the CLI calls GitHub with: GITHUB_TOKEN as in Actions, else GH_TOKEN as gh uses it; '' without either. */
export const gitHubToken = (): string => process.env.GITHUB_TOKEN ?? process.env.GH_TOKEN ?? '';
