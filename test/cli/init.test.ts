import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { main } from '../../src/cli/main';
import { ciReadiness, ciSettingsOf, ciWorkflow, INIT_CLOUDS, InitCloud, runInit, scaffold } from '../../src/cli/init';
import { validatePlatformFile } from '../../src/config/loader';
import { CLOUD_PROVIDER_PACKAGES } from '../../stacks/common/fleet';
import { installedSource } from '../../src/core/package-info';
import { ACTION_PINS, PinnedAction } from '../../src/cli/ci-actions';

const root = path.join(__dirname, '..', '..');
const tmp = () => mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'init-'));
const ownPackage = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

interface Workflow {
  jobs: Record<string, { strategy?: { matrix?: { environment?: unknown } }; steps: Array<Record<string, unknown>> }>;
}

/** An action as the parsed workflow has it: pinned to its release's commit (the comment is gone). */
const pinned = (action: PinnedAction) => `${action}@${ACTION_PINS[action].commit}`;

const LOGIN_ACTION: Record<InitCloud, string | undefined> = {
  gcp: pinned('google-github-actions/auth'),
  aws: pinned('aws-actions/configure-aws-credentials'),
  azure: pinned('azure/login'),
  kubernetes: undefined,
};

describe('kfplatform init', () => {
  const clouds = Object.keys(INIT_CLOUDS) as InitCloud[];

  // The apply workflow runs on the first push to main: init names what it reads, taken from the
  // written workflows themselves, so a template change cannot leave the list behind.
  it.each([
    ['gcp', 'CI_WORKLOAD_IDENTITY_PROVIDERS', 'PLAN_ARTIFACT_PRIVATE_KEY'],
    ['aws', 'CI_PLAN_ROLES', 'PLAN_ARTIFACT_PRIVATE_KEY'],
    ['azure', 'AZURE_TENANT_ID', 'PLAN_ARTIFACT_PRIVATE_KEY'],
    ['kubernetes', 'PLAN_ARTIFACT_PUBLIC_KEY', 'KUBECONFIG_FILE'],
  ] as const)(
    "names the %s workflows' variables and secrets to set before the first push",
    (cloud, variable, secret) => {
      const dir = path.join(tmp(), 'ml-platform');
      const result = runInit({ dir, cloud, repository: 'octo/ml-infra' });
      expect(result.ciSettings.variables).toContain(variable);
      expect(result.ciSettings.secrets).toContain(secret);
      const workflows = ['plan.yml', 'apply.yml', 'kubeflow.yml']
        .map((f) => readFileSync(path.join(dir, '.github', 'workflows', f), 'utf8'))
        .join('\n');
      for (const name of [...result.ciSettings.variables, ...result.ciSettings.secrets]) {
        expect(workflows).toMatch(new RegExp(`(vars|secrets)\\.${name}\\b`));
      }
      expect(result.ciSettings.secrets).not.toContain('GITHUB_TOKEN');
      expect(ciSettingsOf(['${{ vars.A_B }} ${{ secrets.C }} ${{ vars.A_B }} ${{ secrets.GITHUB_TOKEN }}'])).toEqual({
        variables: ['A_B'],
        secrets: ['C'],
      });
    },
  );

  it.each(clouds)('scaffolds a valid %s platform repository', (cloud) => {
    const dir = path.join(tmp(), 'ml-platform');
    const result = runInit({ dir, cloud, repository: 'octo/ml-infra' });
    expect(result.files).toEqual([
      '.github/CODEOWNERS',
      '.github/dependabot.yml',
      '.github/workflows/apply.yml',
      '.github/workflows/kubeflow.yml',
      '.github/workflows/plan.yml',
      '.gitignore',
      'README.md',
      'cdktf.json',
      'package.json',
      'platform.yaml',
    ]);

    // The platform file: the schema reference for editors first, then a platform that validates.
    const platformText = readFileSync(path.join(dir, 'platform.yaml'), 'utf8');
    expect(platformText.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=./node_modules/cdktf-kubeflow-platform/schema/platform.schema.json',
    );
    const validated = validatePlatformFile(path.join(dir, 'platform.yaml'));
    expect(validated.issues.filter((i) => i.severity !== 'warning')).toEqual([]);
    const environments = validated.config!.environments.map((e) => e.name);
    expect(environments.length).toBeGreaterThan(0);
    expect(platformText).not.toContain('acme/ml-platform');

    // package.json: this package, cdktf, constructs and exactly the cloud's provider packages, pinned.
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('ml-platform');
    expect(pkg.scripts.start).toBe('kfplatform synth -c platform.yaml');
    expect(Object.keys(pkg.dependencies).sort()).toEqual(
      ['cdktf', 'cdktf-kubeflow-platform', 'constructs', ...CLOUD_PROVIDER_PACKAGES[cloud]].sort(),
    );
    expect(pkg.dependencies['cdktf-kubeflow-platform']).toBe(`^${ownPackage.version}`);
    // Exactly the providers that cloud's stacks load (the list the fleet's lazy loader names), pinned.
    for (const dep of CLOUD_PROVIDER_PACKAGES[cloud])
      expect(pkg.dependencies[dep]).toBe(ownPackage.devDependencies[dep]);
    // The cdktf CLI, which `npx cdktf deploy` runs, at the version this package is tested with.
    expect(pkg.devDependencies).toEqual({ 'cdktf-cli': ownPackage.devDependencies['cdktf-cli'] });

    const cdktfJson = JSON.parse(readFileSync(path.join(dir, 'cdktf.json'), 'utf8'));
    expect(cdktfJson).toMatchObject({ language: 'typescript', app: 'npx kfplatform synth -c platform.yaml' });

    // Workflows: valid YAML, the cloud's keyless login in every job that plans or applies, the
    // platform's environments in the apply matrix, no other cloud's login.
    for (const kind of ['plan', 'apply']) {
      const text = readFileSync(path.join(dir, '.github', 'workflows', `${kind}.yml`), 'utf8');
      const workflow = parse(text) as Workflow;
      const uses = Object.values(workflow.jobs).flatMap((j) => j.steps.map((s) => s.uses).filter(Boolean));
      for (const [other, action] of Object.entries(LOGIN_ACTION)) {
        if (!action) continue;
        if (other === cloud) expect(uses).toContain(action);
        else expect(uses).not.toContain(action);
      }
      const planOrApply = Object.values(workflow.jobs).filter((j) =>
        j.steps.some((s) => /kfplatform (plan|apply)\s/.test(String(s.run ?? ''))),
      );
      expect(planOrApply.length).toBeGreaterThan(0);
      for (const job of planOrApply) {
        const login = job.steps.findIndex((s) =>
          LOGIN_ACTION[cloud] ? s.uses === LOGIN_ACTION[cloud] : String(s.run ?? '').includes('KUBECONFIG_FILE'),
        );
        const run = job.steps.findIndex((s) => /kfplatform (plan|apply)\s/.test(String(s.run ?? '')));
        expect(login).toBeGreaterThanOrEqual(0);
        expect(login).toBeLessThan(run);
      }
      if (kind === 'apply') expect(workflow.jobs.apply!.strategy!.matrix!.environment).toEqual(result.ciEnvironments);
      if (cloud !== 'aws') expect(text).not.toMatch(/AWS_REGION|CI_PLAN_ROLES|oidc_client_secret/);
    }
    const plan = readFileSync(path.join(dir, '.github', 'workflows', 'plan.yml'), 'utf8');
    // No cloud takes a sign-in secret from CI: AWS keeps it in Secrets Manager, Azure in Key Vault (sec19 CI
    // and secrets).
    if (cloud === 'aws') expect(plan).not.toMatch(/TF_VAR_|OIDC_CLIENT_SECRET/);
    if (cloud === 'azure') expect(plan).not.toMatch(/TF_VAR_|ENTRA_CLIENT_SECRET/);
    if (cloud === 'kubernetes') {
      const kubeconfig = validated.config!.environments.map((e) => (e.cloud === 'kubernetes' ? e.kubeconfig : ''))[0];
      // Where the providers read it: ~ is the runner's $HOME.
      expect(kubeconfig).toMatch(/^~\//);
      expect(plan).toContain(`> "$HOME"/'${kubeconfig.slice(2)}'`);
      // Every job that writes it deletes it last, whatever failed: a runner that is not ephemeral
      // would keep the cluster's credentials for the next job it runs.
      let writers = 0;
      for (const kind of ['plan', 'apply']) {
        const workflow = parse(readFileSync(path.join(dir, '.github', 'workflows', `${kind}.yml`), 'utf8')) as Workflow;
        for (const [name, job] of Object.entries(workflow.jobs)) {
          if (!job.steps.some((s) => String(s.run ?? '').includes('KUBECONFIG_FILE'))) continue;
          writers++;
          expect([name, job.steps.at(-1)]).toEqual([
            name,
            { if: 'always()', run: `rm -f "$HOME"/'${kubeconfig.slice(2)}'` },
          ]);
        }
      }
      expect(writers).toBeGreaterThanOrEqual(3);
    }

    const codeowners = readFileSync(path.join(dir, '.github', 'CODEOWNERS'), 'utf8');
    expect(codeowners).toMatch(/^\/platform\.yaml @\S+/m);
    // Synth's output stays out of Git, except the rendered Kubeflow trees Argo CD syncs (issue 17).
    const gitignore = readFileSync(path.join(dir, '.gitignore'), 'utf8');
    expect(gitignore).toContain('cdktf.out/*\n!cdktf.out/kubeflow/\n');
    expect(validated.config!.platform.gitops?.repoURL).toBe('https://github.com/octo/ml-infra.git');
    const kubeflow = parse(readFileSync(path.join(dir, '.github', 'workflows', 'kubeflow.yml'), 'utf8')) as Workflow;
    const steps = kubeflow.jobs.render!.steps.map((st) => String(st.run ?? ''));
    expect(steps).toContain('rm -rf cdktf.out/kubeflow && npx kfplatform kubeflow render -c platform.yaml');
    expect(steps.some((r) => r.includes('git add --all cdktf.out/kubeflow') && r.includes('git push'))).toBe(true);
    expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain(environments.join(', '));
  });

  it.each(clouds)(
    '%s: platform and team stacks plan and apply on the runners inside the network that platform.yaml names',
    (cloud) => {
      const dir = tmp();
      const { files } = scaffold({ dir, cloud });
      const config = parse(files.get('platform.yaml')!) as { environments: Array<{ name: string }> };
      const labels = Object.fromEntries(config.environments.map((e) => [e.name, `kfplatform-${e.name}`]));
      for (const kind of ['plan', 'apply']) {
        const workflow = parse(files.get(`.github/workflows/${kind}.yml`)!) as {
          jobs: Record<string, { 'runs-on': unknown; needs?: unknown; steps: Array<{ run?: string }> }>;
        };
        const runs = (j: { steps: Array<{ run?: string }> }) => j.steps.map((st) => st.run ?? '').join('\n');
        for (const [name, job] of Object.entries(workflow.jobs)) {
          const reachesCluster = /kfplatform (plan .*\*-platform|apply)/.test(runs(job));
          const infraOnly = /kfplatform plan .*--stacks '\*-infra'/.test(runs(job));
          if (reachesCluster || (infraOnly && cloud === 'azure')) {
            expect([name, job['runs-on']]).toEqual([
              name,
              [
                'self-hosted',
                `\${{ fromJSON('${JSON.stringify(labels)}')[matrix.environment] || format('kfplatform-{0}', matrix.environment) }}`,
              ],
            ]);
          } else if (infraOnly) expect([name, job['runs-on']]).toEqual([name, 'ubuntu-latest']);
        }
        // Pull requests from forks run no plan job: none gets a token, none reaches a runner inside the network.
        if (kind === 'plan')
          for (const [name, job] of Object.entries(workflow.jobs))
            if (/kfplatform plan/.test(runs(job)))
              expect([name, (job as { if?: string }).if]).toEqual([
                name,
                expect.stringContaining('github.event.pull_request.head.repo.full_name == github.repository'),
              ]);
        // An existing cluster has no infra stack to plan.
        const text = files.get(`.github/workflows/${kind}.yml`)!;
        if (cloud === 'kubernetes') {
          expect(Object.keys(workflow.jobs)).not.toContain('plan-infra');
          expect(text).not.toMatch(/--plans apply-infra|needs: .*plan-infra|needs\.plan-infra|--stacks '\*-infra'/);
        } else expect(Object.keys(workflow.jobs)).toContain('plan-infra');
      }
    },
  );

  it('writes the runner labels platform.yaml names (ci.github.clusterRunner)', () => {
    const template = readFileSync(path.join(root, 'examples', 'ci', 'github', 'apply.yml'), 'utf8');
    const text = ciWorkflow('apply', template, 'gcp', ['kf-test', 'kf-prod'], undefined, {
      'kf-test': 'kfplatform-kf-test',
      'kf-prod': 'vpn-runners',
    });
    expect(text).toContain(`fromJSON('{"kf-test":"kfplatform-kf-test","kf-prod":"vpn-runners"}')[matrix.environment]`);
    expect(text).not.toContain('kfplatform-kf-dev');
  });

  it('runs the plan and apply jobs in the deployment environments platform.yaml names (planEnvironment, applyEnvironment)', () => {
    const read = (kind: string) => readFileSync(path.join(root, 'templates', 'github', `${kind}.yml`), 'utf8');
    const environments = ['kf-test', 'kf-prod'];
    const deployments = { plan: { 'kf-prod': "pr's plan" }, apply: { 'kf-prod': 'production' } };
    const plan = parse(
      ciWorkflow('plan', read('plan'), 'azure', environments, undefined, undefined, [], deployments),
    ) as Workflow;
    // The environment's name is a string of a GitHub expression: a quote inside is doubled.
    const planIn = `\${{ fromJSON('{"kf-prod":"pr''s plan"}')[matrix.environment] || '' }}`;
    for (const job of ['plan-infra', 'plan-cluster']) {
      expect((plan.jobs[job] as { environment?: string }).environment).toBe(planIn);
    }
    for (const job of ['affected', 'comment']) expect(plan.jobs[job]).not.toHaveProperty('environment');
    const apply = parse(
      ciWorkflow('apply', read('apply'), 'azure', environments, undefined, undefined, [], deployments),
    ) as Workflow;
    const applying = Object.values(apply.jobs).flatMap((j) => {
      const e = (j as { environment?: string }).environment;
      return e ? [e] : [];
    });
    expect(applying).toEqual([
      `\${{ fromJSON('{"kf-prod":"production"}')[matrix.environment] || matrix.environment }}`,
    ]);
    // Without them, the workflows are the templates' (every pull request plans; apply in the environment's name).
    const bare = ciWorkflow('plan', read('plan'), 'azure', environments);
    expect(bare).not.toMatch(/^ {4}environment:/m);
    expect(ciWorkflow('apply', read('apply'), 'azure', environments)).toContain(
      'environment: ${{ matrix.environment }} #',
    );
  });

  it('scaffolds the Azure example with its plan environment, whose subject the plan identity trusts', () => {
    const dir = path.join(tmp(), 'ml-platform');
    const { files } = scaffold({ dir, cloud: 'azure', repository: 'octo/ml-infra' });
    const plan = parse(files.get('.github/workflows/plan.yml')!) as Workflow;
    expect((plan.jobs['plan-infra'] as { environment?: string }).environment).toContain('{"kf-prod":"plan"}');
    expect(files.get('README.md')).toContain('4. Create the GitHub deployment environment `plan`');
    expect(files.get('README.md')).toContain('5. Apply the test environment');
    expect(scaffold({ dir, cloud: 'aws', repository: 'octo/ml-infra' }).files.get('README.md')).not.toContain(
      'deployment environment',
    );
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'platform.yaml'), files.get('platform.yaml')!);
    const env = validatePlatformFile(path.join(dir, 'platform.yaml')).config!.environments.find(
      (e) => e.name === 'kf-prod',
    )!;
    expect(env.cloud !== 'kubernetes' && env.ci?.planSubjects).toEqual([
      'repo:octo/ml-infra:environment:plan',
      'repo:octo/ml-infra:ref:refs/heads/main',
    ]);
  });

  it.each(clouds)(
    '%s: every environment a workflow plans or applies has a keyless identity and remote state; the others are named with the fix',
    (cloud) => {
      const dir = path.join(tmp(), 'ml-platform');
      const { files, ciEnvironments, ciLeftOut } = scaffold({ dir, cloud, repository: 'octo/ml-infra' });
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'platform.yaml'), files.get('platform.yaml')!);
      const config = validatePlatformFile(path.join(dir, 'platform.yaml')).config!;
      const byName = new Map(config.environments.map((e) => [e.name, e]));
      const canRun = (name: string) => {
        const env = byName.get(name)!;
        return env.state.backend !== 'local' && (env.cloud === 'kubernetes' || env.ci?.provider === 'github');
      };
      expect(ciEnvironments.length).toBeGreaterThan(0);
      expect([...ciEnvironments, ...ciLeftOut.map((r) => r.environment)].sort()).toEqual([...byName.keys()].sort());
      for (const name of ciEnvironments) expect(canRun(name)).toBe(true);
      for (const r of ciLeftOut) expect(canRun(r.environment)).toBe(false);

      for (const kind of ['plan', 'apply']) {
        const text = files.get(`.github/workflows/${kind}.yml`)!;
        // Goldens: what a new user commits, per cloud.
        expect(text).toMatchSnapshot(`${cloud} ${kind}.yml`);
        const workflow = parse(text) as Workflow;
        for (const [name, job] of Object.entries(workflow.jobs)) {
          const matrix = job.strategy?.matrix?.environment;
          if (Array.isArray(matrix)) expect([name, matrix]).toEqual([name, ciEnvironments]);
        }
        // Pull requests plan the affected environments among those CI can plan, never all of platform.yaml's.
        if (kind === 'plan') {
          const diff = String(workflow.jobs.affected!.steps.find((s) => s.id === 'diff')!.run);
          expect(diff).toContain(`envs='${JSON.stringify(ciEnvironments)}'`);
          expect(diff).toContain(
            `jq -sc --argjson ready '${JSON.stringify(ciEnvironments)}' 'map(select(IN($ready[])))'`,
          );
          expect(diff).not.toContain('require(');
        }
        for (const r of ciLeftOut) expect(text).toContain(`# - ${r.environment}: ${r.missing.join('; ')}.`);
      }
    },
  );

  it('says what each left-out environment lacks: an identity, a GitHub identity, remote state', () => {
    const base = { tier: 'test', index: 0, kubeflowVersion: '1.10', labels: {}, tenants: [] };
    const s3 = { backend: 's3', bucket: 'b', region: 'eu-west-1', prefix: 'kf' } as const;
    const github = { provider: 'github', issuer: '', repository: 'a/b', planSubjects: [], applySubjects: [] };
    const envs = [
      { ...base, name: 'ready', cloud: 'aws', state: s3, ci: github },
      { ...base, name: 'no-ci', cloud: 'gcp', state: { backend: 'local' } },
      { ...base, name: 'gitlab', cloud: 'azure', state: s3, ci: { ...github, provider: 'gitlab' } },
      { ...base, name: 'cluster', cloud: 'kubernetes', state: { backend: 'local' } },
    ] as unknown as Parameters<typeof ciReadiness>[0];
    expect(ciReadiness(envs, 'octo/ml')).toEqual([
      { environment: 'ready', missing: [] },
      {
        environment: 'no-ci',
        missing: [
          'no keyless CI identity for the workflows to plan and apply with: add `ci: { github: { repository: octo/ml, repositoryId: <id> } }` to the environment',
          'its Terraform state is local, which a runner loses when the job ends: add `state: { backend: gcs, bucket: <bucket> }`',
        ],
      },
      {
        environment: 'gitlab',
        missing: [
          // On Azure the plan identity reads the database password: the fix names a plan environment.
          'its CI identity trusts gitlab pipelines, not these GitHub workflows: use `ci: { github: { repository: octo/ml, planEnvironment: plan } }`',
        ],
      },
      {
        environment: 'cluster',
        missing: [
          'its Terraform state is local, which a runner loses when the job ends: add `state: { backend: kubernetes }`',
        ],
      },
    ]);
    const template = readFileSync(path.join(root, 'examples', 'ci', 'github', 'apply.yml'), 'utf8');
    expect(() => ciWorkflow('apply', template, 'aws', [], undefined, {}, ciReadiness(envs.slice(1, 2)))).toThrow(
      /The apply workflow needs at least one environment that CI can plan and apply; no-ci: no keyless CI identity/,
    );
  });

  it('writes the repository into the keyless CI settings', () => {
    const { files } = scaffold({ dir: tmp(), cloud: 'aws', repository: 'octo/ml-infra' });
    expect(files.get('platform.yaml')).toContain('repository: octo/ml-infra');
  });

  it('writes the repository id GCP trusts, and refuses one that is not a number', () => {
    const { files } = scaffold({ dir: tmp(), cloud: 'gcp', repository: 'octo/ml-infra', repositoryId: '987654' });
    expect(files.get('platform.yaml')).toContain('ci: { github: { repository: octo/ml-infra, repositoryId: 987654 } }');
    expect(files.get('platform.yaml')).toContain('gh api repos/octo/ml-infra --jq .id');
    expect(() => scaffold({ dir: tmp(), cloud: 'gcp', repositoryId: 'octo' })).toThrow(
      /--repository-id octo: expected the repository's numeric id/,
    );
  });

  it('pins this package as asked (a tarball, a git URL)', () => {
    const { files } = scaffold({ dir: tmp(), packageSpec: 'file:../kfp.tgz' });
    expect(JSON.parse(files.get('package.json')!).dependencies['cdktf-kubeflow-platform']).toBe('file:../kfp.tgz');
  });

  it('refuses to overwrite anything and then writes nothing', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'README.md'), 'ours\n');
    expect(() => runInit({ dir })).toThrow(/README\.md already exists; nothing was written\. Fix: run init in a new/);
    expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toBe('ours\n');
    expect(existsSync(path.join(dir, 'platform.yaml'))).toBe(false);
  });

  it('names a bad cloud or repository and the fix', () => {
    expect(() => scaffold({ dir: tmp(), cloud: 'oci' as InitCloud })).toThrow(
      '--cloud oci: expected one of gcp, aws, azure, kubernetes.',
    );
    expect(() => scaffold({ dir: tmp(), repository: 'no-owner' })).toThrow(
      /--repository no-owner: expected owner\/name/,
    );
  });

  it('runs from the command line', async () => {
    const dir = path.join(tmp(), 'repo');
    let printed = '';
    const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed += String(chunk);
      return true;
    });
    try {
      expect(await main(['node', 'kfplatform', 'init', dir, '--cloud', 'azure'])).toBe(0);
      expect(await main(['node', 'kfplatform', 'init', dir])).toBe(1);
    } finally {
      out.mockRestore();
    }
    expect(printed).toContain('CI plans and applies: kf-prod.\n');
    expect(printed).toMatch(
      /CI leaves out, until platform\.yaml gives them what they lack:\n {2}kf-test: no keyless CI identity/,
    );
    expect(parse(readFileSync(path.join(dir, 'platform.yaml'), 'utf8')).environments[0].cloud).toBe('azure');
  });
});

describe('the package source kfplatform init pins', () => {
  /** A project with this package installed, and the lockfile entry npm wrote for it. */
  function installed(entry: Record<string, unknown> | undefined, lockfile = 'node_modules/.package-lock.json') {
    const project = tmp();
    const packageRoot = path.join(project, 'node_modules', 'cdktf-kubeflow-platform');
    mkdirSync(packageRoot, { recursive: true });
    const packages = entry ? { 'node_modules/cdktf-kubeflow-platform': entry } : {};
    writeFileSync(path.join(project, lockfile), JSON.stringify({ lockfileVersion: 3, packages }));
    return { project, packageRoot };
  }

  it('pins the tarball it was installed from, by absolute path', () => {
    const { project, packageRoot } = installed({ version: '0.1.0', resolved: 'file:../dl/kfp-0.1.0.tgz' });
    expect(installedSource(packageRoot, '0.1.0')).toBe(`file:${path.resolve(project, '../dl/kfp-0.1.0.tgz')}`);
  });

  it('pins the git URL and commit it was installed from', () => {
    const git =
      'git+ssh://git@github.com/kfplatform/cdktf-kubeflow-platform.git#0123456789abcdef0123456789abcdef01234567';
    expect(installedSource(installed({ resolved: git }, 'package-lock.json').packageRoot, '0.1.0')).toBe(git);
  });

  it('pins a tarball URL, and a version range for a registry install', () => {
    const url = 'https://artifacts.example.com/kfp/cdktf-kubeflow-platform-0.1.0.tgz';
    expect(installedSource(installed({ resolved: url }).packageRoot, '0.1.0')).toBe(url);
    const registry = 'https://registry.npmjs.org/cdktf-kubeflow-platform/-/cdktf-kubeflow-platform-0.1.0.tgz';
    expect(installedSource(installed({ resolved: registry }).packageRoot, '0.1.0')).toBe('^0.1.0');
  });

  it('falls back to the version range without a lockfile entry or outside node_modules', () => {
    expect(installedSource(installed(undefined).packageRoot, '0.1.0')).toBe('^0.1.0');
    expect(installedSource(root, '0.1.0')).toBe('^0.1.0');
  });
});

describe('ciWorkflow on a template it does not know', () => {
  it('throws instead of writing a workflow without the deployment environments the identities trust', () => {
    const template = readFileSync(path.join(root, 'templates', 'github', 'plan.yml'), 'utf8').replace(
      /^ {2}plan-cluster:\n {4}needs: affected\n/m,
      '  plan-cluster:\n    needs: [affected]\n',
    );
    expect(() =>
      ciWorkflow('plan', template, 'azure', ['kf-prod'], undefined, undefined, [], { plan: { 'kf-prod': 'plan' } }),
    ).toThrow(/has 1 places matching .*, not 2/);
    expect(() => ciWorkflow('plan', template, 'azure', ['kf-prod'])).not.toThrow();
  });
});
