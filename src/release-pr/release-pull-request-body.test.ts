import type { PlannedComponent, ReleasePlan } from '../release-plan/release-plan.js';
import {
  previewCommentMarker,
  releasePullRequestMarker,
  renderPreviewComment,
  renderReleasePullRequestBody,
  renderReleasePullRequestTitle,
} from './release-pull-request-body.js';

const aComponent = (name: string, extra: Partial<PlannedComponent> = {}): PlannedComponent => ({
  name,
  type: 'npm-package',
  paths: [name],
  versionFile: `${name}/package.json`,
  scheme: 'semver',
  tagFormat: '{name}@{version}',
  currentVersion: '1.2.0',
  lastTag: `${name}@1.2.0`,
  release: false,
  bump: 'none',
  nextVersion: null,
  nextTag: null,
  commitCount: 0,
  reasons: [],
  ...extra,
});
const aPlan = (components: PlannedComponent[]): ReleasePlan => ({
  schemaVersion: 1,
  kind: 'ReleasePlan',
  head: 'a'.repeat(40),
  branch: 'main',
  channel: null,
  components,
  ignoredCommits: [],
});
const core = aComponent('core', {
  release: true,
  bump: 'minor',
  nextVersion: '1.3.0',
  nextTag: 'core@1.3.0',
  commitCount: 1,
  reasons: [
    {
      kind: 'commit',
      sha: 'b'.repeat(40),
      type: 'feat',
      scope: 'core',
      subject: 'add <script> | cache',
      notes: [],
      bump: 'minor',
      breaking: false,
    },
  ],
});
const noPreview = { name: null, production: null, environments: [] };

describe('the release pull request body', () => {
  it('starts with the marker naming the plan head, shows every reason escaped, and the manifest', () => {
    const body = renderReleasePullRequestBody(aPlan([core, aComponent('web')]), noPreview);
    expect(body.startsWith(`${releasePullRequestMarker} plan-head=${'a'.repeat(40)} -->`)).toBe(true);
    expect(body).toContain('feat(core): add &lt;script&gt; &#124; cache');
    expect(body).not.toContain('<script>');
    expect(body).toContain('| `core` | 1.2.0 | 1.3.0 (`core@1.3.0`) |');
  });

  it('compares with production when the GitOps manifest was read, and names the environments', () => {
    const body = renderReleasePullRequestBody(aPlan([core]), {
      name: '2026.12.0',
      production: new Map([
        ['core', '1.1.0'],
        ['web', '2026.11.3'],
      ]),
      environments: ['staging', 'production'],
    });
    expect(body).toContain('| `core` | 1.1.0 | 1.3.0 (`core@1.3.0`) |');
    expect(body).toContain('Unchanged in production: `web` 2026.11.3.');
    expect(body).toContain('Goes to: `staging` → `production`.');
    expect(body).toContain('Release `2026.12.0`');
  });

  it('is titled after the tags, with the group', () => {
    expect(renderReleasePullRequestTitle(aPlan([core]), null)).toBe('chore(release): core@1.3.0');
    expect(renderReleasePullRequestTitle(aPlan([core]), 'sdk')).toBe('chore(release)(sdk): core@1.3.0');
  });
});

describe('the preview comment', () => {
  it.each([
    ['something to release, no comment yet', [core], false, 'releases 1 component(s)'],
    ['nothing to release, a comment said otherwise', [aComponent('core')], true, 'releases nothing'],
  ])('%s', (_, components, hadComment, heading) => {
    const body = renderPreviewComment(aPlan(components), hadComment);
    expect(body?.startsWith(previewCommentMarker)).toBe(true);
    expect(body).toContain(heading);
  });

  it('is not made when nothing would be released and none was', () => {
    expect(renderPreviewComment(aPlan([aComponent('core')]), false)).toBeNull();
  });
});
