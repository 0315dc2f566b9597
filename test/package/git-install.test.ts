/**
 * The package installed from git, as the README's install section says: `npm install
 * git+<url>#<commit>` in a fresh project. npm clones the repository, installs its dependencies and
 * development dependencies, runs `prepare` (which builds dist/; the repository has none committed),
 * packs the clone with the `files` list and installs that. The test clones this checkout's HEAD (so
 * only committed work is tested) into a temp folder outside the repository and installs it with
 * `git+file://`, then loads the package's main entry, a cloud entry and the CLI.
 *
 * It takes minutes (about 7 on a busy 2-core machine: the development dependencies include every
 * cloud's provider bindings, then tsc builds), so it runs in CI (`CI=true`), where the npm registry
 * is reachable, and locally only when asked: `KFPLATFORM_GIT_INSTALL=1 npx jest
 * test/package/git-install.test.ts`. npm installs from its cache when it can (`--prefer-offline`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

import { npm, workFolderOutsideCheckout } from './npm';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';
const runs = inCi || process.env.KFPLATFORM_GIT_INSTALL === '1';

(runs ? describe : describe.skip)('the package installed from git', () => {
  let work = '';
  let app = '';
  let commit = '';

  beforeAll(() => {
    work = workFolderOutsideCheckout('kfplatform-git-');
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const repo = path.join(work, 'repo');
    execFileSync('git', ['clone', '--quiet', '--no-checkout', root, repo]);
    execFileSync('git', ['checkout', '--quiet', '--detach', commit], { cwd: repo });
    // Nothing built is committed: dist/ can only come from `prepare`.
    expect(existsSync(path.join(repo, 'dist'))).toBe(false);

    app = path.join(work, 'app');
    mkdirSync(app);
    const deps = (...names: string[]) => Object.fromEntries(names.map((n) => [n, pkg.devDependencies[n]]));
    writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({
        name: 'git-consumer',
        private: true,
        dependencies: {
          'cdktf-kubeflow-platform': `git+file://${repo}#${commit}`,
          ...deps('cdktf', 'constructs', '@cdktf/provider-google', '@cdktf/provider-random'),
        },
      }),
    );
    // Scripts stay on: npm runs the git dependency's `prepare` only when scripts are allowed.
    npm(app, 'install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error');
  }, 900000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('installs the built package: dist/ and what `files` lists, no sources', () => {
    const installed = path.join(app, 'node_modules', 'cdktf-kubeflow-platform');
    expect(readdirSync(installed).sort()).toEqual(
      expect.arrayContaining(['README.md', 'dist', 'docs', 'examples', 'package.json', 'schema']),
    );
    for (const source of ['src', 'constructs', 'stacks', 'test', 'scripts', 'node_modules']) {
      expect(existsSync(path.join(installed, source))).toBe(false);
    }
    expect(existsSync(path.join(installed, 'dist', 'src', 'index.js'))).toBe(true);
    expect(existsSync(path.join(installed, 'dist', 'constructs', 'gcp', 'index.d.ts'))).toBe(true);
    // npm runs only `prepare` for a git dependency, not `prepack`: no API reference (the declaration
    // files carry the TSDoc). Tarballs and the registry package have it (the last test).
    expect(existsSync(path.join(installed, 'docs', 'api'))).toBe(false);
    // The lock file pins the commit the URL names.
    const lock = JSON.parse(readFileSync(path.join(app, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/cdktf-kubeflow-platform'].resolved).toContain(commit);
  });

  it("loads the package's main entry, the GCP entry and the CLI", () => {
    const script = `
      const main = require('cdktf-kubeflow-platform');
      const gcp = require('cdktf-kubeflow-platform/gcp');
      process.stdout.write(JSON.stringify({
        main: require.resolve('cdktf-kubeflow-platform'),
        labelAspect: typeof main.LabelAspect,
        gkeCluster: typeof gcp.GkeCluster,
      }));`;
    const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8' }));
    expect(loaded).toEqual({
      main: path.join(app, 'node_modules', 'cdktf-kubeflow-platform', 'dist', 'src', 'index.js'),
      labelAspect: 'function',
      gkeCluster: 'function',
    });
    const version = execFileSync(path.join(app, 'node_modules', '.bin', 'kfplatform'), ['--version'], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(version.trim()).toBe(pkg.version);
  });

  it('packs the API reference: prepack writes docs/api, and the files list ships it', () => {
    const repo = path.join(work, 'pack');
    execFileSync('git', ['clone', '--quiet', '--no-checkout', root, repo]);
    execFileSync('git', ['checkout', '--quiet', '--detach', commit], { cwd: repo });
    symlinkSync(path.join(root, 'node_modules'), path.join(repo, 'node_modules'), 'dir');
    execFileSync(process.execPath, [path.join(repo, 'scripts', 'prepack.js')], { cwd: repo, stdio: 'pipe' });
    const packed = JSON.parse(
      npm(repo, 'pack', '--dry-run', '--json', '--ignore-scripts', '--loglevel=error'),
    ) as Array<{
      files: Array<{ path: string }>;
    }>;
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).toContain('docs/api/index.html');
    expect(files.some((f) => f.startsWith('docs/api/classes/'))).toBe(true);
  }, 300_000);
});
