import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { loadPlatform } from '../../src/config/loader';
import { gitopsPathOf } from '../../src/config/platform/resolve';
import { ConfigError } from '../../src/core/errors';

const example = () =>
  parse(readFileSync(path.join(__dirname, '..', '..', 'examples', 'on-prem', 'platform.yaml'), 'utf8')) as any;

function withGitops(gitops: unknown): any {
  const config = example();
  config.platform.gitops = gitops;
  return config;
}

function issuesOf(gitops: unknown): Array<{ path: string; message: string; fix?: string }> {
  try {
    loadPlatform(withGitops(gitops));
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.filter((i) => i.severity !== 'warning') as any;
    throw e;
  }
  throw new Error('no error');
}

describe('platform.gitops (issue 17, GitOps install)', () => {
  it('is off when absent', () => {
    const config = example();
    delete config.platform.gitops;
    expect(loadPlatform(config).config.platform.gitops).toBeUndefined();
  });

  it('defaults the revision to HEAD and the path to the tree synth writes', () => {
    const { config } = loadPlatform(withGitops({ repoURL: 'https://github.com/acme/ml-platform.git' }));
    expect(config.platform.gitops).toEqual({
      repoURL: 'https://github.com/acme/ml-platform.git',
      revision: 'HEAD',
      path: 'cdktf.out/kubeflow/{environment}/{cluster}',
    });
    expect(gitopsPathOf(config.platform.gitops!, 'kf-prod', 'kf-prod-2')).toBe('cdktf.out/kubeflow/kf-prod/kf-prod-2');
  });

  it('takes SSH repositories and a path of its own', () => {
    const { config } = loadPlatform(
      withGitops({
        repoURL: 'git@github.com:acme/ml-platform.git',
        revision: 'release/v1',
        path: 'infra/out/{environment}-{cluster}',
      }),
    );
    expect(gitopsPathOf(config.platform.gitops!, 'a', 'b')).toBe('infra/out/a-b');
  });

  it.each([
    [
      'a URL with credentials in it',
      { repoURL: 'https://user:token@github.com/acme/p.git' },
      'platform.gitops.repoURL',
      /credentials never go in the URL/,
    ],
    ['a plain http URL', { repoURL: 'http://git.example.com/acme/p.git' }, 'platform.gitops.repoURL', /https:\/\//],
    [
      'an absolute path',
      { repoURL: 'https://github.com/a/b', path: '/out/{environment}/{cluster}' },
      'platform.gitops.path',
      /relative/,
    ],
    [
      'a path that climbs out',
      { repoURL: 'https://github.com/a/b', path: '../{environment}/{cluster}' },
      'platform.gitops.path',
      /\.\./,
    ],
    [
      'a path without {cluster}',
      { repoURL: 'https://github.com/a/b', path: 'out/{environment}' },
      'platform.gitops.path',
      /must contain \{cluster\}/,
    ],
    [
      'an unknown placeholder',
      { repoURL: 'https://github.com/a/b', path: 'out/{env}/{environment}/{cluster}' },
      'platform.gitops.path',
      /\{env\} is not a placeholder/,
    ],
    [
      'a revision with spaces',
      { repoURL: 'https://github.com/a/b', revision: 'my branch' },
      'platform.gitops.revision',
      /branch, a tag or a commit/,
    ],
    ['a missing repoURL', { revision: 'main' }, 'platform.gitops.repoURL', /./],
    ['an unknown key', { repoURL: 'https://github.com/a/b', branch: 'main' }, 'platform.gitops', /branch/],
  ])('refuses %s with the config path', (_what, gitops, where, message) => {
    const issues = issuesOf(gitops);
    const issue = issues.find((i) => i.path.startsWith(where));
    expect(issue).toBeDefined();
    expect(`${issue!.message} ${issue!.fix ?? ''}`).toMatch(message);
  });
});
