import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Json = Record<string, unknown>;

/** The committer and tagger GitHub puts on what the API creates (and signs). */
export const gitHubCommitter = { name: 'GitHub', email: 'noreply@github.com' };

/** The author of a commit the workflow's GITHUB_TOKEN makes when the request names none. */
export const tokenAuthor = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com',
};

const fixedDate = '2026-12-01T12:00:00Z';

/**
 * GitHub's git data API (blobs, trees, commits, refs, annotated tags) played on a real bare git
 * repository: each call does with git plumbing what GitHub does, so what a test fetches afterwards
 * is exactly what the API created. What it makes is recorded as "verified" the way GitHub signs
 * what it creates for an app token: a tag always, a commit only when the request names no author,
 * committer or signature — GitHub's "signature verification for bots" works only for a request
 * that "contains no custom author information, custom committer information, and no custom
 * signature information"; with one, the commit is stored unsigned.
 */
export class GitDataRepository {
  /** SHAs of the commits and tag objects created through the API (GitHub signed them). */
  readonly verified = new Set<string>();

  constructor(
    private readonly gitDir: string,
    private readonly apiUrl: string,
  ) {}

  git(args: string[], options: { input?: string | Buffer; env?: Record<string, string> } = {}): string {
    return execFileSync('git', ['--git-dir', this.gitDir, ...args], {
      input: options.input ?? '',
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    })
      .toString()
      .trim();
  }

  private tryGit(args: string[]): string | null {
    try {
      return this.git(args);
    } catch {
      return null;
    }
  }

  private url(repo: string, kind: string, sha: string): string {
    return `${this.apiUrl}/repos/${repo}/git/${kind}/${sha}`;
  }

  createBlob(repo: string, body: Json): [number, unknown] {
    const bytes = Buffer.from(String(body.content), body.encoding === 'base64' ? 'base64' : 'utf8');
    const sha = this.git(['hash-object', '-w', '--stdin'], { input: bytes });
    return [201, { url: this.url(repo, 'blobs', sha), sha }];
  }

  createTree(repo: string, body: Json): [number, unknown] {
    const index = mkdtempSync(join(tmpdir(), 'fake-github-index-'));
    const env = { GIT_INDEX_FILE: join(index, 'index') };
    try {
      if (body.base_tree) {
        if (this.tryGit(['cat-file', '-e', `${String(body.base_tree)}^{tree}`]) === null)
          return [422, { message: 'base_tree is not a valid tree' }];
        this.git(['read-tree', String(body.base_tree)], { env });
      } else this.git(['read-tree', '--empty'], { env });
      for (const entry of body.tree as Json[]) {
        const path = String(entry.path);
        if (entry.sha === null) {
          // mode 0 removes; --force-remove wants a work tree, and this repository is bare
          this.git(['update-index', '-z', '--index-info'], { env, input: `0 ${'0'.repeat(40)}\t${path}\0` });
          continue;
        }
        const sha =
          typeof entry.content === 'string'
            ? this.git(['hash-object', '-w', '--stdin'], { input: entry.content })
            : String(entry.sha);
        if (this.tryGit(['cat-file', '-e', sha]) === null)
          return [422, { message: `tree.sha ${sha} is not an object` }];
        this.git(['update-index', '--add', '--cacheinfo', `${String(entry.mode)},${sha},${path}`], { env });
      }
      const sha = this.git(['write-tree'], { env });
      const tree = this.git(['ls-tree', '-r', sha])
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [meta = '', path = ''] = line.split('\t');
          const [mode, type, object] = meta.split(' ');
          return { path, mode, type, sha: object, url: this.url(repo, 'blobs', object ?? '') };
        });
      return [201, { sha, url: this.url(repo, 'trees', sha), tree, truncated: false }];
    } finally {
      rmSync(index, { recursive: true, force: true });
    }
  }

  createCommit(repo: string, body: Json): [number, unknown] {
    const parents = (body.parents as string[] | undefined) ?? [];
    for (const p of parents)
      if (this.tryGit(['cat-file', '-e', `${p}^{commit}`]) === null)
        return [422, { message: `parent ${p} not found` }];
    const custom = body.author !== undefined || body.committer !== undefined || body.signature !== undefined;
    const author: Json = (body.author as Json | undefined) ?? tokenAuthor;
    const committer: Json = (body.committer as Json | undefined) ?? (body.author ? author : gitHubCommitter);
    const date = String(author.date ?? fixedDate);
    const sha = this.git(['commit-tree', String(body.tree), ...parents.flatMap((p) => ['-p', p])], {
      input: String(body.message),
      env: {
        GIT_AUTHOR_NAME: String(author.name),
        GIT_AUTHOR_EMAIL: String(author.email),
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_NAME: String(committer.name),
        GIT_COMMITTER_EMAIL: String(committer.email),
        GIT_COMMITTER_DATE: String(committer.date ?? fixedDate),
      },
    });
    if (!custom) this.verified.add(sha);
    return [201, this.commit(repo, sha)];
  }

  getCommit(repo: string, sha: string): [number, unknown] {
    if (this.tryGit(['cat-file', '-e', `${sha}^{commit}`]) === null) return [404, { message: 'Not Found' }];
    return [200, this.commit(repo, this.git(['rev-parse', `${sha}^{commit}`]))];
  }

  private commit(repo: string, sha: string): Json {
    const [tree = '', parents = '', an = '', ae = '', ad = '', cn = '', ce = '', cd = ''] = this.git([
      'log',
      '-1',
      '--format=%T%n%P%n%an%n%ae%n%aI%n%cn%n%ce%n%cI',
      sha,
    ]).split('\n');
    const message = this.git(['log', '-1', '--format=%B', sha]);
    const verified = this.verified.has(sha);
    return {
      sha,
      node_id: `C_${sha.slice(0, 10)}`,
      url: this.url(repo, 'commits', sha),
      html_url: `https://github.com/${repo}/commit/${sha}`,
      author: { name: an, email: ae, date: new Date(ad).toISOString() },
      committer: { name: cn, email: ce, date: new Date(cd).toISOString() },
      tree: { sha: tree, url: this.url(repo, 'trees', tree) },
      message,
      parents: parents
        .split(' ')
        .filter(Boolean)
        .map((p) => ({
          sha: p,
          url: this.url(repo, 'commits', p),
          html_url: `https://github.com/${repo}/commit/${p}`,
        })),
      verification: {
        verified,
        reason: verified ? 'valid' : 'unsigned',
        signature: verified ? '-----BEGIN PGP SIGNATURE-----(fixture)' : null,
        payload: verified ? message : null,
        verified_at: verified ? fixedDate : null,
      },
    };
  }

  private ref(repo: string, ref: string): Json | null {
    const sha = this.tryGit(['rev-parse', '--verify', '--quiet', ref]);
    if (!sha) return null;
    const type = this.git(['cat-file', '-t', sha]);
    return {
      ref,
      node_id: `REF_${sha.slice(0, 10)}`,
      url: `${this.apiUrl}/repos/${repo}/git/${ref}`,
      object: { type, sha, url: this.url(repo, type === 'tag' ? 'tags' : 'commits', sha) },
    };
  }

  getRef(repo: string, ref: string): [number, unknown] {
    const found = this.ref(repo, `refs/${ref}`);
    return found ? [200, found] : [404, { message: 'Not Found' }];
  }

  createRef(repo: string, body: Json): [number, unknown] {
    const ref = String(body.ref);
    if (!/^refs\/(heads|tags)\/./.test(ref))
      return [422, { message: 'Reference name must start with refs/ and have at least two slashes' }];
    if (this.ref(repo, ref)) return [422, { message: 'Reference already exists' }];
    if (this.tryGit(['cat-file', '-e', String(body.sha)]) === null)
      return [422, { message: 'Object does not exist' }];
    this.git(['update-ref', ref, String(body.sha)]);
    return [201, this.ref(repo, ref)];
  }

  updateRef(repo: string, ref: string, body: Json): [number, unknown] {
    const full = `refs/${ref}`;
    const current = this.ref(repo, full);
    if (!current) return [422, { message: 'Reference does not exist' }];
    const sha = String(body.sha);
    const old = (current.object as Json).sha as string;
    const fastForward = this.tryGit(['merge-base', '--is-ancestor', old, sha]) !== null;
    if (!fastForward && body.force !== true) return [422, { message: 'Update is not a fast forward' }];
    this.git(['update-ref', full, sha]);
    return [200, this.ref(repo, full)];
  }

  getTag(repo: string, sha: string): [number, unknown] {
    if (this.tryGit(['cat-file', '-t', sha]) !== 'tag') return [404, { message: 'Not Found' }];
    const text = this.git(['cat-file', 'tag', sha]);
    const [header = '', ...message] = text.split('\n\n');
    const field = (name: string) => new RegExp(`^${name} (.*)$`, 'm').exec(header)?.[1] ?? '';
    const tagger = /^(.*) <(.*)> (\d+)/.exec(field('tagger'));
    return [
      200,
      {
        sha,
        node_id: `TAG_${sha.slice(0, 10)}`,
        url: this.url(repo, 'tags', sha),
        tag: field('tag'),
        message: `${message.join('\n\n')}\n`,
        tagger: {
          name: tagger?.[1] ?? '',
          email: tagger?.[2] ?? '',
          date: new Date(Number(tagger?.[3] ?? 0) * 1000).toISOString(),
        },
        object: {
          sha: field('object'),
          type: field('type'),
          url: this.url(repo, 'commits', field('object')),
        },
        verification: {
          verified: this.verified.has(sha),
          reason: this.verified.has(sha) ? 'valid' : 'unsigned',
          signature: null,
          payload: null,
          verified_at: null,
        },
      },
    ];
  }

  createTag(repo: string, body: Json): [number, unknown] {
    const type = this.tryGit(['cat-file', '-t', String(body.object)]);
    if (!type) return [422, { message: 'Object does not exist' }];
    const tagger: Json = (body.tagger as Json | undefined) ?? gitHubCommitter;
    const seconds = Math.floor(new Date(String(tagger.date ?? fixedDate)).getTime() / 1000);
    const text = `object ${String(body.object)}\ntype ${type}\ntag ${String(body.tag)}\ntagger ${String(tagger.name)} <${String(tagger.email)}> ${seconds} +0000\n\n${String(body.message)}\n`;
    const sha = this.git(['mktag'], { input: text });
    this.verified.add(sha);
    return [
      201,
      {
        sha,
        node_id: `TAG_${sha.slice(0, 10)}`,
        url: this.url(repo, 'tags', sha),
        tag: body.tag,
        message: `${String(body.message)}\n`,
        tagger: { name: tagger.name, email: tagger.email, date: new Date(seconds * 1000).toISOString() },
        object: { sha: body.object, type, url: this.url(repo, 'commits', String(body.object)) },
        verification: {
          verified: true,
          reason: 'valid',
          signature: null,
          payload: null,
          verified_at: fixedDate,
        },
      },
    ];
  }
}
