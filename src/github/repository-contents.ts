import { inputError } from '../relx-error.js';
import { requestWithRetry, statusOf, type GitHubRequest } from './github-request.js';

interface ContentFile {
  type: string;
  encoding?: string;
  content?: string;
  sha: string;
  size: number;
}

/**
 * One file of a repository at one commit, through GitHub's contents API: base64 in the JSON
 * answer up to 1 MB, and beyond that (GitHub sends `encoding: none`) from the git blob by its SHA.
 * The bytes are returned exactly; the caller verifies them.
 */
export async function readRepositoryFile(
  request: GitHubRequest,
  repository: string,
  path: string,
  commit: string,
  sleep?: (ms: number) => Promise<void>,
): Promise<Uint8Array> {
  const [owner = '', repo = ''] = repository.split('/');
  // each segment encoded on its own: GitHub does not find a path whose slashes arrive as %2F
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  const options = sleep ? { sleep } : {};
  let file: ContentFile;
  try {
    const { data } = await requestWithRetry(
      request,
      `GET /repos/{owner}/{repo}/contents/${encoded}`,
      { owner, repo, ref: commit },
      options,
    );
    file = data as ContentFile;
  } catch (error) {
    const status = statusOf(error);
    if (status === 404 || status === 403 || status === 401) {
      throw inputError(`Cannot read ${path} at ${commit.slice(0, 12)} in ${repository} (HTTP ${status}).`, {
        field: 'manifest_path',
        fix: 'Check that write-manifest committed and pushed the manifest, and that the token may read the source repository (contents: read).',
      });
    }
    throw error;
  }
  if (Array.isArray(file) || file.type !== 'file') {
    throw inputError(`${path} in ${repository} is not a file.`, {
      field: 'manifest_path',
      fix: 'Pass the manifest file written by write-manifest (releases/<name>.yaml).',
    });
  }
  if (file.encoding === 'base64' && file.content !== undefined) return Buffer.from(file.content, 'base64');
  const { data } = await requestWithRetry(
    request,
    'GET /repos/{owner}/{repo}/git/blobs/{file_sha}',
    { owner, repo, file_sha: file.sha },
    options,
  );
  return Buffer.from((data as { content: string }).content, 'base64');
}
