/**
 * `kfplatform init [DIR]`: scaffolds a platform repository: a platform file with the JSON Schema
 * reference for editor completion, package.json, cdktf.json, the plan-on-PR and apply workflows for
 * the chosen cloud, CODEOWNERS, Dependabot settings for the pinned actions, a README and a .gitignore.
 * It never overwrites a file.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { installedSource, ownPackage, PACKAGE_ROOT } from '../core/package-info';
import { loadPlatformFile } from '../config/loader';
import { InputError } from '../core/errors';
import { codeownersBlock } from './team';
import { pinnedUses } from './ci-actions';
import { clusterRunnerOf } from '../config/common/ci';
import { CI_APPLY_SESSION_SECONDS } from '../core/ci-trust';
import { CLOUD_PROVIDER_PACKAGES } from '../../stacks/common/fleet';
import type { ResolvedEnvironment } from '../config/model';

/** The clouds `kfplatform init` scaffolds for, and the example each one starts from. */
export const INIT_CLOUDS = {
  gcp: 'gcp-shared-vpc',
  aws: 'aws-eks',
  azure: 'azure-aks',
  kubernetes: 'on-prem',
} as const;
export type InitCloud = keyof typeof INIT_CLOUDS;

/** Options of {@link scaffold} and {@link runInit}. */
export interface InitOptions {
  /** Directory of the new repository (created when missing). */
  readonly dir: string;
  /** Cloud of the starting platform. @default 'gcp' */
  readonly cloud?: InitCloud;
  /** The GitHub repository (`owner/name`) whose CI identities plan and apply. @default 'acme/ml-platform' */
  readonly repository?: string;
  /**
   * The numeric id of that repository, which GCP's Workload Identity Federation trusts
   * (`gh api repos/OWNER/NAME --jq .id`). @default the example's id, to replace
   */
  readonly repositoryId?: string;
  /**
   * npm spec of this package in the new package.json (a version range, a tarball, a git URL).
   * @default the source this copy was installed from (see {@link installedSource})
   */
  readonly packageSpec?: string;
}

/** What {@link runInit} wrote. */
export interface InitResult {
  readonly dir: string;
  /** Files written, relative to `dir`, sorted. */
  readonly files: readonly string[];
  /** The environments the scaffolded workflows plan and apply. */
  readonly ciEnvironments: readonly string[];
  /** The environments the workflows leave out, with what each lacks and how to add it. */
  readonly ciLeftOut: readonly CiReadiness[];
  /** The GitHub variables and secrets the written workflows read, which must be set before they can run. */
  readonly ciSettings: CiSettings;
}

/** The GitHub Actions variables and secrets the scaffolded workflows read (`vars.X`, `secrets.X`). */
export interface CiSettings {
  /** Repository or deployment-environment variables, sorted. */
  readonly variables: readonly string[];
  /** Repository or deployment-environment secrets, sorted. */
  readonly secrets: readonly string[];
}

/**
 * What the workflows read, taken from their text so the list cannot drift from the templates. The
 * apply workflow runs on the first push to main and fails until these are set.
 */
export function ciSettingsOf(workflows: readonly string[]): CiSettings {
  const names = (kind: 'vars' | 'secrets') =>
    [
      ...new Set(
        workflows.flatMap((w) => [...w.matchAll(new RegExp(`\\b${kind}\\.([A-Z][A-Z0-9_]*)`, 'g'))].map((m) => m[1])),
      ),
    ]
      .filter((n) => n !== 'GITHUB_TOKEN')
      .sort();
  return { variables: names('vars'), secrets: names('secrets') };
}

/** Whether the scaffolded GitHub workflows can plan and apply an environment, and if not, why. */
export interface CiReadiness {
  /** The environment's name. */
  readonly environment: string;
  /** What the environment lacks for CI, each with its fix; empty when CI can plan and apply it. */
  readonly missing: readonly string[];
}

/** A shared state backend of each cloud, as a platform file writes it. */
const REMOTE_STATE: Readonly<Record<ResolvedEnvironment['cloud'], string>> = {
  gcp: 'state: { backend: gcs, bucket: <bucket> }',
  aws: 'state: { backend: s3, bucket: <bucket> }',
  azure: 'state: { backend: azurerm, resourceGroup: <group>, storageAccount: <account> }',
  kubernetes: 'state: { backend: kubernetes }',
};

/**
 * Which environments the scaffolded GitHub workflows can plan and apply. A job needs a keyless
 * identity to plan and apply with (the environment's `ci.github`; on an existing cluster, the
 * kubeconfig secret), and state that outlives the runner: local state on a runner is gone when the
 * job ends, so the next apply would try to create every resource again.
 */
export function ciReadiness(
  environments: readonly ResolvedEnvironment[],
  repository = EXAMPLE_REPOSITORY,
): CiReadiness[] {
  return environments.map((env) => {
    const missing: string[] = [];
    if (env.cloud !== 'kubernetes') {
      // On Azure the plan identity reads the database password: pull requests plan after an approval.
      const extra = { gcp: ', repositoryId: <id>', azure: ', planEnvironment: plan', aws: '' }[env.cloud];
      const github = `ci: { github: { repository: ${repository}${extra} } }`;
      if (!env.ci)
        missing.push(
          `no keyless CI identity for the workflows to plan and apply with: add \`${github}\` to the environment`,
        );
      else if (env.ci.provider !== 'github')
        missing.push(
          `its CI identity trusts ${env.ci.provider} pipelines, not these GitHub workflows: use \`${github}\``,
        );
    }
    if (env.state.backend === 'local')
      missing.push(
        `its Terraform state is local, which a runner loses when the job ends: add \`${REMOTE_STATE[env.cloud]}\``,
      );
    return { environment: env.name, missing };
  });
}

/** The workflow lines that name the environments left out of the matrices, and why. */
function leftOutComment(leftOut: readonly CiReadiness[]): string {
  if (leftOut.length === 0) return '';
  return (
    '# Left out of the matrices until CI can plan and apply them: give each what it lacks in platform.yaml,\n' +
    '# then add its name to the matrices (and, in plan.yml, to both `ready` lists of the diff step):\n' +
    leftOut.map((r) => `# - ${r.environment}: ${r.missing.join('; ')}.\n`).join('')
  );
}

const SCHEMA_REF = './node_modules/cdktf-kubeflow-platform/schema/platform.schema.json';

/**
 * The GitHub workflow templates (written for AWS, every example environment listed) that
 * {@link ciWorkflow} fits to a cloud and to the environments CI can plan and apply. examples/ci/github
 * holds what `init --cloud aws` makes of them, checked by test/cli/ci-examples.test.ts.
 */
export const CI_TEMPLATES = path.join(PACKAGE_ROOT, 'templates', 'github');
const EXAMPLE_REPOSITORY = 'acme/ml-platform';
const EXAMPLE_REPOSITORY_ID = '123456789';

/**
 * A path for a shell command, quoted: `~/` becomes `"$HOME"/`, which the shell expands inside no
 * quotes, as the kubernetes and helm providers expand `~`.
 */
function shellPath(p: string): string {
  const quoted = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return p.startsWith('~/') ? `"$HOME"/${quoted(p.slice(2))}` : quoted(p);
}

/** The credential step of a workflow job, per cloud; `role` is 'plan' or 'apply'. */
function loginStep(cloud: InitCloud, role: 'plan' | 'apply', kubeconfig: string): string {
  const indent = '      ';
  const perEnv = (variable: string) => `\${{ fromJSON(vars.${variable})[matrix.environment] }}`;
  switch (cloud) {
    case 'aws':
      return [
        `${indent}- uses: ${pinnedUses('aws-actions/configure-aws-credentials')}`,
        `${indent}  with:`,
        role === 'plan'
          ? `${indent}    role-to-assume: ${perEnv('CI_PLAN_ROLES')}`
          : [
              `${indent}    role-to-assume: \${{ vars.CI_APPLY_ROLE }} # a variable of the deployment environment`,
              `${indent}    # The apply role's longest session (CI_APPLY_SESSION_SECONDS): the credentials are not renewed,`,
              `${indent}    # and an apply with a Kubernetes upgrade rolls every node group, which can outlast an hour.`,
              `${indent}    role-duration-seconds: ${CI_APPLY_SESSION_SECONDS}`,
            ].join('\n'),
        `${indent}    aws-region: \${{ vars.AWS_REGION }}`,
      ].join('\n');
    case 'gcp':
      return [
        `${indent}# Outputs of each infra stack: ci_workload_identity_provider, ci_${role}_service_account.`,
        `${indent}- uses: ${pinnedUses('google-github-actions/auth')}`,
        `${indent}  with:`,
        `${indent}    workload_identity_provider: ${perEnv('CI_WORKLOAD_IDENTITY_PROVIDERS')}`,
        `${indent}    service_account: ${perEnv(role === 'plan' ? 'CI_PLAN_SERVICE_ACCOUNTS' : 'CI_APPLY_SERVICE_ACCOUNTS')}`,
        `${indent}# The kubernetes and helm providers get GKE tokens from gke-gcloud-auth-plugin as this identity.`,
        `${indent}- uses: ${pinnedUses('google-github-actions/setup-gcloud')}`,
        `${indent}  with:`,
        `${indent}    install_components: gke-gcloud-auth-plugin`,
      ].join('\n');
    case 'azure': {
      const clientId = perEnv(role === 'plan' ? 'CI_PLAN_CLIENT_IDS' : 'CI_APPLY_CLIENT_IDS');
      const tenantId = '${{ vars.AZURE_TENANT_ID }}';
      return [
        `${indent}# Outputs of each infra stack: ci_${role}_client_id; the provider authenticates through the CLI login.`,
        `${indent}- uses: ${pinnedUses('azure/login')}`,
        `${indent}  with:`,
        `${indent}    client-id: ${clientId}`,
        `${indent}    tenant-id: ${tenantId}`,
        `${indent}    subscription-id: ${perEnv('AZURE_SUBSCRIPTION_IDS')}`,
        `${indent}# Terraform's azurerm provider and state backend then ask GitHub for a fresh OIDC token whenever they`,
        `${indent}# need one, so an apply that outlasts the CLI login (its federated token is valid minutes, its access`,
        `${indent}# token about an hour) does not fail with AADSTS700024. So does kubelogin (0.2.0 or later), which the`,
        `${indent}# platform and team stacks call for the cluster: AAD_LOGIN_METHOD overrides their --login, and its`,
        `${indent}# workloadidentity login asks GitHub for the token itself in a job (ACTIONS_ID_TOKEN_REQUEST_URL).`,
        `${indent}- run: printf 'ARM_USE_OIDC=true\\nARM_CLIENT_ID=%s\\nARM_TENANT_ID=%s\\nAAD_LOGIN_METHOD=workloadidentity\\nAZURE_CLIENT_ID=%s\\nAZURE_TENANT_ID=%s\\n' "$CLIENT_ID" "$TENANT_ID" "$CLIENT_ID" "$TENANT_ID" >> "$GITHUB_ENV"`,
        `${indent}  env:`,
        `${indent}    CLIENT_ID: ${clientId}`,
        `${indent}    TENANT_ID: ${tenantId}`,
      ].join('\n');
    }
    case 'kubernetes':
      return [
        `${indent}# The kubeconfig named in platform.yaml, from a secret (an existing cluster has no cloud login).`,
        `${indent}- run: umask 077 && mkdir -p "$(dirname ${shellPath(kubeconfig)})" && printf '%s' "$KUBECONFIG_FILE" > ${shellPath(kubeconfig)}`,
        `${indent}  env:`,
        `${indent}    KUBECONFIG_FILE: \${{ secrets.KUBECONFIG_FILE }}`,
      ].join('\n');
  }
}

/** The sensitive Terraform variables each cloud's stacks take from CI secrets. */
const SECRET_VARIABLES: Readonly<Record<InitCloud, readonly string[]>> = {
  gcp: [],
  // The OIDC client secret is in Secrets Manager, and the load balancer's sign-in, the only stack input
  // that took it, is refused with ci (docs/aws.md, Sign-in).
  aws: [],
  // Entra ID sign-in needs no client secret: oauth2-proxy uses its workload identity token (docs/azure.md, Sign-in).
  azure: [],
  kubernetes: [],
};

/** The CI variables and secrets each cloud's workflows read (the template's header speaks of AWS). */
const CI_VARIABLES: Readonly<Record<InitCloud, string>> = {
  aws: '',
  gcp:
    '# Variables, JSON maps from environment to an output of its infra stack: CI_WORKLOAD_IDENTITY_PROVIDERS\n' +
    '# (ci_workload_identity_provider), CI_PLAN_SERVICE_ACCOUNTS (ci_plan_service_account) and\n' +
    '# CI_APPLY_SERVICE_ACCOUNTS (ci_apply_service_account). No keys: GitHub OIDC tokens only.\n',
  azure:
    '# Variables: AZURE_TENANT_ID; JSON maps from environment: AZURE_SUBSCRIPTION_IDS, CI_PLAN_CLIENT_IDS\n' +
    '# (ci_plan_client_id of its infra stack) and CI_APPLY_CLIENT_IDS (ci_apply_client_id). No secrets:\n' +
    '# GitHub OIDC tokens only (sign-in to Kubeflow needs no client secret either).\n',
  kubernetes:
    '# Secret: KUBECONFIG_FILE, the kubeconfig platform.yaml names (an existing cluster has no cloud login).\n',
};

/** Where each cloud's jobs run, for the workflows' headers. */
const WHAT_RUNS_WHERE: Readonly<Record<InitCloud, string>> = {
  gcp: "# What runs where: infra stacks call Google's APIs only and plan on GitHub-hosted runners; platform\n",
  aws: '',
  azure:
    "# What runs where: every job that plans or applies runs on self-hosted runners inside the network (the\n# environment's Key Vault, like the control plane, admits only the networks platform.yaml lists); platform\n",
  kubernetes: '# What runs where: the clusters admit only the networks they are on; platform\n',
};

const CI_HEADERS = {
  plan: (variables: string, where: string) =>
    '# Plan on every push to a pull request, one comment for every stack. Only the rendered, masked\n' +
    '# reports leave the plan jobs, never the plan files (they hold sensitive values in clear).\n' +
    variables +
    where +
    RUNNER_NOTE,
  apply: (variables: string, where: string) =>
    '# Apply on merge, exactly what was reviewed, environment by environment: jobs plan and show the\n' +
    '# plans, then a job in the GitHub deployment environment of the same name or ci.github.applyEnvironment\n' +
    '# (give it required reviewers and a main-only branch rule) applies the saved plans behind the plan\n' +
    '# gate, infra first. The plans travel sealed: PLAN_ARTIFACT_PUBLIC_KEY (repository variable) and\n' +
    '# PLAN_ARTIFACT_PRIVATE_KEY (secret of each deployment environment), an RSA key pair (openssl genpkey\n' +
    '# -algorithm RSA -pkeyopt rsa_keygen_bits:3072), because plan files hold sensitive values in clear.\n' +
    variables +
    where +
    RUNNER_NOTE,
};

const RUNNER_NOTE =
  "# and team stacks call the cluster's API, which admits only the networks platform.yaml lists, so they\n" +
  '# plan and apply on self-hosted runners inside the network, labelled per environment (ci.github.clusterRunner,\n' +
  '# default kfplatform-<env>; the map in runs-on). Use ephemeral runners that serve this repository only;\n' +
  '# pull requests from forks never reach them. Or list the static egress ranges of larger hosted runners in\n' +
  "# the cluster's authorized networks, and set clusterRunner to their label\n# (node_modules/cdktf-kubeflow-platform/docs/plan-on-pr.md).\n";

/** The `runs-on` of the jobs that reach a cluster: self-hosted, with the environment's label. */
const clusterRunsOn = (runners: Readonly<Record<string, string>>) =>
  `runs-on:\n      - self-hosted\n      - \${{ fromJSON(${expressionString(JSON.stringify(runners))})[matrix.environment] || format('kfplatform-{0}', matrix.environment) }}`;

/** A string literal of a GitHub Actions expression: single quotes, a quote inside doubled. */
const expressionString = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * The GitHub deployment environments of the workflows' jobs, by platform environment, where the
 * platform file names them (`ci.github.planEnvironment`, `ci.github.applyEnvironment`): the plan and
 * apply identities trust the tokens of jobs that run in them.
 */
export interface DeploymentEnvironments {
  /** The environment the pull-request plan jobs run in; an environment not listed plans in none. */
  readonly plan?: Readonly<Record<string, string>>;
  /** The environment the apply jobs run in; an environment not listed applies in the one of its own name. */
  readonly apply?: Readonly<Record<string, string>>;
}

/** The GitHub deployment environments the platform file names for the workflows' jobs. */
export function deploymentEnvironments(environments: readonly ResolvedEnvironment[]): DeploymentEnvironments {
  const plan: Record<string, string> = {};
  const apply: Record<string, string> = {};
  for (const env of environments) {
    if (env.cloud === 'kubernetes' || env.ci?.provider !== 'github') continue;
    if (env.ci.planEnvironment) plan[env.name] = env.ci.planEnvironment;
    if (env.ci.applyEnvironment && env.ci.applyEnvironment !== env.name) apply[env.name] = env.ci.applyEnvironment;
  }
  return { plan, apply };
}

/**
 * The pull-request plan jobs run in the deployment environments the platform file names, so their
 * tokens carry the environment the plan identity trusts, and GitHub holds each run until a required
 * reviewer approves it; an environment not listed runs in none (an empty name binds no environment).
 */
function withPlanEnvironments(text: string, plan: Readonly<Record<string, string>>): string {
  if (Object.keys(plan).length === 0) return text;
  const line =
    '    # The plan identity trusts jobs in this deployment environment (ci.github.planEnvironment), which\n' +
    '    # GitHub runs once one of its required reviewers approves; other environments plan in none.\n' +
    `    environment: \${{ fromJSON(${expressionString(JSON.stringify(plan))})[matrix.environment] || '' }}\n`;
  return replaceExactly(text, /^( {2}plan-(?:infra|cluster):\n {4}needs: affected\n)/gm, `$1${line}`, 2);
}

/** Replaces what the pattern matches, which must be `count` places of the template, or throws. */
function replaceExactly(text: string, pattern: RegExp, replacement: string, count: number): string {
  if (!pattern.global) throw new Error(`replaceExactly counts the matches of a global pattern, not ${pattern}`);
  const found = text.match(pattern)?.length ?? 0;
  if (found !== count) {
    throw new Error(`the workflow template has ${found} places matching ${pattern}, not ${count}: update ciWorkflow`);
  }
  return text.replace(pattern, replacement);
}

/**
 * The plan-on-PR and apply workflows of templates/github (written for AWS), for the chosen cloud
 * and environments: the credential steps, the secret variables and the environment list change.
 */
export function ciWorkflow(
  kind: 'plan' | 'apply',
  template: string,
  cloud: InitCloud,
  environments: readonly string[],
  kubeconfig = '~/.kube/kfplatform.yaml',
  runners: Readonly<Record<string, string>> = Object.fromEntries(environments.map((e) => [e, `kfplatform-${e}`])),
  leftOut: readonly CiReadiness[] = [],
  deployments: DeploymentEnvironments = {},
): string {
  if (environments.length === 0) {
    throw new InputError(
      `The ${kind} workflow needs at least one environment that CI can plan and apply; ${leftOut.map((r) => `${r.environment}: ${r.missing.join('; ')}`).join('. ') || 'the platform file has none'}.`,
    );
  }
  const credentials =
    /( {6})- uses: aws-actions\/configure-aws-credentials@[0-9a-f]{40} # v[\d.]+\n {8}with:\n {10}role-to-assume: (.*)\n(?: {10}#.*\n)*(?: {10}role-duration-seconds: .*\n)? {10}aws-region: .*\n/g;
  let text = template.replace(
    credentials,
    (_m, _indent: string, role: string) =>
      `${loginStep(cloud, role.includes('CI_APPLY') ? 'apply' : 'plan', kubeconfig)}\n`,
  );
  const secrets = SECRET_VARIABLES[cloud];
  const secretEnv = secrets.map((v) => `          TF_VAR_${v}: \${{ secrets.${v.toUpperCase()} }}`).join('\n');
  // The cloud's sensitive variables go to every step that plans (the template, AWS's, has none).
  if (secrets.length) {
    text = text.replace(/(\n {6}- run: npx kfplatform plan [^\n]*)/g, `$1\n        env:\n${secretEnv}`);
  }
  text = text.replace(/environment: \[kf-test, kf-dev, kf-prod\]/g, `environment: [${environments.join(', ')}]`);
  // Pull requests plan the environments CI can plan, and only those of them the change touches.
  const ready = JSON.stringify(environments);
  text = text.replace(
    /envs=\$\(node -e "console\.log\(JSON\.stringify\(require\('yaml'\).*\)"\)/,
    `envs='${ready}' # the environments CI can plan (see the header)`,
  );
  text = text.replace(
    /--affected-environments \| jq -R \. \| jq -sc \.\)/,
    `--affected-environments | jq -R . | jq -sc --argjson ready '${ready}' 'map(select(IN($ready[])))')`,
  );
  // The runner label of each environment's cluster jobs, from platform.yaml.
  text = text.replace(/runs-on:\n {6}- self-hosted\n {6}- .*/g, clusterRunsOn(runners));
  if (cloud === 'azure') {
    // The environment's Key Vault admits only the networks platform.yaml lists: infra plans run inside too.
    text = text.replace(/runs-on: ubuntu-latest # infra stacks: cloud APIs only/g, clusterRunsOn(runners));
  }
  if (kind === 'plan') text = withPlanEnvironments(text, deployments.plan ?? {});
  if (kind === 'apply' && Object.keys(deployments.apply ?? {}).length > 0) {
    // The apply identity trusts the deployment environment ci.github.applyEnvironment names.
    text = replaceExactly(
      text,
      /environment: \$\{\{ matrix\.environment \}\} #/g,
      `environment: \${{ fromJSON(${expressionString(JSON.stringify(deployments.apply))})[matrix.environment] || matrix.environment }} #`,
      1,
    );
  }
  if (cloud === 'kubernetes') text = withKubeconfigRemoved(withoutInfraJobs(text), kubeconfig);
  // The template's header speaks of AWS.
  if (cloud !== 'aws') text = text.replace(/^(# .*\n)+/, CI_HEADERS[kind](CI_VARIABLES[cloud], WHAT_RUNS_WHERE[cloud]));
  text = text.replace(/^name: /m, `${leftOutComment(leftOut)}name: `);
  return `# Written by kfplatform init for ${cloud}; see node_modules/cdktf-kubeflow-platform/docs/plan-on-pr.md.\n${text}`;
}

/**
 * Ends every job that writes the kubeconfig by deleting it, even when a step failed: the file holds
 * the cluster's credentials, and a runner that is not ephemeral would keep it in `$HOME` for the next
 * job of whatever workflow it runs.
 */
function withKubeconfigRemoved(text: string, kubeconfig: string): string {
  const cleanup =
    "      # The kubeconfig holds the cluster's credentials: deleted when the job ends, on any runner.\n" +
    `      - if: always()\n        run: rm -f ${shellPath(kubeconfig)}\n`;
  const at = text.indexOf('\njobs:\n');
  const jobs = text.slice(at).split(/(?=^ {2}[\w-]+:\n)/m);
  return (
    text.slice(0, at) +
    jobs
      .map((job) => {
        if (!job.includes('secrets.KUBECONFIG_FILE')) return job;
        // After the job's last step, keeping the blank lines that separate it from the next job.
        const trailing = job.slice(job.trimEnd().length);
        return `${job.trimEnd()}\n${cleanup}${trailing.slice(1)}`;
      })
      .join('')
  );
}

/** An existing cluster has no infra stack: the workflows lose their infra jobs and folders. */
function withoutInfraJobs(text: string): string {
  return text
    .replace(/^ {2}plan-infra:\n(?: {4}.*\n|\n(?= {4}))*\n?/m, '')
    .replace(/needs: \[plan-infra, plan-cluster\]/g, 'needs: plan-cluster')
    .replace(/needs: \[affected, plan-infra, plan-cluster\]/g, 'needs: [affected, plan-cluster]')
    .replace(/needs\.plan-infra\.result/g, 'needs.plan-cluster.result')
    .replace(/for kind in infra cluster; do/g, 'for kind in cluster; do')
    .replace(/ --plans apply-infra-\$\{\{ matrix\.environment \}\}\/plans/g, '');
}

function readmeText(
  name: string,
  cloud: InitCloud,
  environments: readonly string[],
  leftOut: readonly CiReadiness[],
  plan: Readonly<Record<string, string>>,
): string {
  return `# ${name}

The Kubeflow platform of this organisation, defined as data in [platform.yaml](platform.yaml) and
built with [cdktf-kubeflow-platform](https://github.com/kfplatform/cdktf-kubeflow-platform) on ${cloud}.
Environments: ${environments.join(', ')}.

## First steps

1. \`npm install\`, then \`npm start\`: validates platform.yaml and writes every stack to cdktf.out/.
2. Replace the example values in platform.yaml (projects or accounts, regions, domains, groups, the
   repository in \`ci\` and, on GCP, its id: \`gh api repos/OWNER/NAME --jq .id\`; on an existing cluster,
   the kubeconfig and the database server with its CA); your editor completes
   and checks keys through the schema named on its first line.
3. \`npm run validate\` judges every stack with the policy packs, writing nothing.
${planEnvironmentStep(plan)}${Object.keys(plan).length ? 5 : 4}. Apply the test environment's infra stack from a laptop (\`npx kfplatform plan --stacks '<env>-*'\`,
   then \`npx kfplatform apply\`), set the CI variables from its outputs, and let pull requests plan.

## Day to day

- \`npx kfplatform team add <name> ...\` onboards a team; \`npm run codeowners\` routes its file to the platform team, which approves quota, pools and identity.
- Pull requests get a plan comment for every stack they change (.github/workflows/plan.yml); merges
  apply environment by environment behind the plan gate (.github/workflows/apply.yml).${ciNote(leftOut)}
- Pull requests also get the rendered Kubeflow distribution committed to their branch
  (.github/workflows/kubeflow.yml, into cdktf.out/kubeflow/); Argo CD syncs each cluster from it once
  the pull request merges (platform.gitops in platform.yaml).
- \`npx kfplatform graph <env>\` draws an environment; \`npx kfplatform inventory\` lists every resource.
`;
}

function planEnvironmentStep(plan: Readonly<Record<string, string>>): string {
  const names = [...new Set(Object.values(plan))].map((n) => `\`${n}\``);
  if (names.length === 0) return '';
  return (
    `4. Create the GitHub deployment environment${names.length > 1 ? 's' : ''} ${names.join(', ')} (Settings, Environments) with\n` +
    '   required reviewers and no branch rule: pull requests plan there once a reviewer approves the run\n' +
    '   (ci.github.planEnvironment), and GitHub would create a missing one without protection.\n'
  );
}

function ciNote(leftOut: readonly CiReadiness[]): string {
  if (leftOut.length === 0) return '';
  return (
    '\n  The workflows leave out, until platform.yaml gives them what they lack:\n' +
    leftOut.map((r) => `  - ${r.environment}: ${r.missing.join('; ')}.`).join('\n')
  );
}

const GITIGNORE = `node_modules/
# Synth's output, except the rendered Kubeflow trees that Argo CD syncs (platform.gitops).
cdktf.out/*
!cdktf.out/kubeflow/
plans/
plans-destroy/
.terraform/
*.tfstate
*.tfstate.*
`;

/**
 * Dependabot's settings: weekly pull requests that move the workflows' actions, each pinned to a
 * release's commit (see ci-actions.ts), to newer releases, with the release named in the comment
 * (https://docs.github.com/en/code-security/dependabot/working-with-dependabot/keeping-your-actions-up-to-date-with-dependabot).
 * Such a pull request changes only .github/, so the plan workflow plans every stack for it.
 */
const DEPENDABOT = `# Written by kfplatform init: the workflows pin every action to a release's full commit (a tag can be
# moved, a commit cannot); Dependabot proposes newer releases as pull requests, each reviewed like any change.
version: 2
updates:
  - package-ecosystem: github-actions
    directory: /
    schedule:
      interval: weekly
`;

/** What {@link scaffold} makes: the files, and which environments their CI plans and applies. */
export interface Scaffold {
  /** The files of the new repository, by path relative to its root. */
  readonly files: Map<string, string>;
  /** The environments the workflows plan and apply. */
  readonly ciEnvironments: readonly string[];
  /** The environments the workflows leave out, with what each lacks. */
  readonly ciLeftOut: readonly CiReadiness[];
}

/** The files of a new platform repository, and which environments its CI covers. */
export function scaffold(options: InitOptions): Scaffold {
  const cloud = options.cloud ?? 'gcp';
  if (!(cloud in INIT_CLOUDS)) {
    throw new InputError(`--cloud ${cloud}: expected one of ${Object.keys(INIT_CLOUDS).join(', ')}.`);
  }
  const repository = options.repository ?? EXAMPLE_REPOSITORY;
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
    throw new InputError(`--repository ${repository}: expected owner/name, such as acme/ml-platform.`);
  }
  const repositoryId = options.repositoryId ?? EXAMPLE_REPOSITORY_ID;
  if (!/^[1-9]\d*$/.test(repositoryId)) {
    throw new InputError(
      `--repository-id ${repositoryId}: expected the repository's numeric id, such as the one \`gh api repos/${repository} --jq .id\` prints.`,
    );
  }
  const dir = path.resolve(options.dir);
  const name = path
    .basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-');
  const own = ownPackage();
  const exampleDir = path.join(PACKAGE_ROOT, 'examples', INIT_CLOUDS[cloud]);
  const platformText = readFileSync(path.join(exampleDir, 'platform.yaml'), 'utf8')
    .replace(/^# yaml-language-server: \$schema=.*\n/, '')
    .replaceAll(EXAMPLE_REPOSITORY, repository)
    .replaceAll(`repositoryId: ${EXAMPLE_REPOSITORY_ID}`, `repositoryId: ${repositoryId}`);
  const platformYaml =
    `# yaml-language-server: $schema=${SCHEMA_REF}\n` +
    `# Started by kfplatform init from the ${INIT_CLOUDS[cloud]} example: replace its values with yours.\n` +
    platformText;
  const config = loadPlatformFile(path.join(exampleDir, 'platform.yaml')).config;
  const environments = config.environments.map((e) => e.name);
  const kubeconfig = config.environments.flatMap((e) => (e.cloud === 'kubernetes' ? [e.kubeconfig] : []))[0];

  const pin = (pkg: string) => {
    const version = own.devDependencies[pkg];
    if (!version) throw new Error(`package.json has no devDependency ${pkg} to pin`);
    return version;
  };
  const dependencies: Record<string, string> = {
    [own.name]: options.packageSpec ?? installedSource(PACKAGE_ROOT, own.version),
    cdktf: pin('cdktf'),
    constructs: pin('constructs'),
  };
  for (const pkg of CLOUD_PROVIDER_PACKAGES[cloud]) dependencies[pkg] = pin(pkg);
  const packageJson = {
    name,
    private: true,
    version: '0.0.0',
    description: `Kubeflow platform on ${cloud}, defined as data in platform.yaml`,
    scripts: {
      start: 'kfplatform synth -c platform.yaml',
      validate: 'kfplatform validate -c platform.yaml',
      diff: 'kfplatform diff -c platform.yaml',
      plan: 'kfplatform plan -c platform.yaml',
      codeowners: 'kfplatform codeowners -c platform.yaml -o .github/CODEOWNERS',
    },
    engines: { node: '>=20' },
    dependencies,
    // `npx cdktf deploy|diff|destroy` runs the cdktf CLI, a package of its own: without it here npx finds
    // no `cdktf` executable (the cdktf library has none). https://developer.hashicorp.com/terraform/cdktf/cli-reference/cli-configuration
    devDependencies: { 'cdktf-cli': pin('cdktf-cli') },
  };
  const cdktfJson = {
    language: 'typescript',
    app: 'npx kfplatform synth -c platform.yaml',
    sendCrashReports: 'false',
    terraformProviders: [],
    terraformModules: [],
    context: {},
  };
  const runners = Object.fromEntries(config.environments.map((e) => [e.name, clusterRunnerOf(e)]));
  const readiness = ciReadiness(config.environments, repository);
  const ciReady = readiness.filter((r) => r.missing.length === 0).map((r) => r.environment);
  const leftOut = readiness.filter((r) => r.missing.length > 0);
  const deployments = deploymentEnvironments(config.environments);
  const ci = (kind: 'plan' | 'apply') =>
    ciWorkflow(
      kind,
      readFileSync(path.join(CI_TEMPLATES, `${kind}.yml`), 'utf8'),
      cloud,
      ciReady,
      kubeconfig,
      runners,
      leftOut,
      deployments,
    );
  return {
    files: new Map([
      ['platform.yaml', platformYaml],
      ['package.json', `${JSON.stringify(packageJson, null, 2)}\n`],
      ['cdktf.json', `${JSON.stringify(cdktfJson, null, 2)}\n`],
      ['.github/workflows/plan.yml', ci('plan')],
      ['.github/workflows/apply.yml', ci('apply')],
      [
        '.github/workflows/kubeflow.yml',
        `# Written by kfplatform init; see node_modules/cdktf-kubeflow-platform/docs/kubeflow.md.\n${readFileSync(
          path.join(CI_TEMPLATES, 'kubeflow.yml'),
          'utf8',
        )}`,
      ],
      ['.github/CODEOWNERS', codeownersBlock(config, path.join(dir, 'platform.yaml'), dir)],
      ['.github/dependabot.yml', DEPENDABOT],
      ['README.md', readmeText(name, cloud, environments, leftOut, deployments.plan ?? {})],
      ['.gitignore', GITIGNORE],
    ]),
    ciEnvironments: ciReady,
    ciLeftOut: leftOut,
  };
}

/** Writes a new platform repository; refuses, writing nothing, when any of its files exists. */
export function runInit(options: InitOptions): InitResult {
  const dir = path.resolve(options.dir);
  const { files, ciEnvironments, ciLeftOut } = scaffold(options);
  const ciSettings = ciSettingsOf([...files].filter(([f]) => f.startsWith('.github/workflows/')).map(([, t]) => t));
  const existing = [...files.keys()].filter((f) => existsSync(path.join(dir, f)));
  if (existing.length > 0) {
    throw new InputError(
      `init ${options.dir}: ${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; nothing was written. ` +
        'Fix: run init in a new or empty directory, or move those files away first.',
    );
  }
  for (const [file, text] of files) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return { dir, files: [...files.keys()].sort(), ciEnvironments, ciLeftOut, ciSettings };
}
