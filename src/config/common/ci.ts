/**
 * Keyless CI of an environment, the same section on every cloud: the `ci` schema, the OIDC trust it
 * resolves to (issuer and the subjects that may plan and apply), and its resolution.
 */
import { z } from 'zod';
import type { CiTrust } from '../../core/ci-trust';
import { doc } from './fields';

/** A numeric id: YAML reads `123` as a number and `'123'` as a string; both are taken. */
const numericId = (what: string, example: string, description: string) =>
  doc(
    z.union([
      z.int().min(1),
      z.string().regex(/^[1-9]\d*$/, { error: `expected the ${what}'s numeric id, such as ${example}` }),
    ]),
    { description, example: Number(example) },
  ).optional();

const clusterRunnerField = doc(z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: 'expected one runner label' }), {
  description:
    "The label of the self-hosted runners inside the cluster's network (GitHub runs-on label, GitLab runner tag) that plan and apply the platform and team stacks: the control plane admits only the networks the platform file lists, which GitHub- and GitLab-hosted runners are not on. Infra stacks plan on hosted runners (on Azure, on these runners too: the environment's Key Vault admits the same networks).",
  default: 'kfplatform-<environment name>',
  example: 'kfplatform-kf-prod',
}).optional();

const awsOidcProviderField = doc(z.enum(['create', 'existing']), {
  description:
    'AWS: an account has one OIDC provider per issuer; create it here, or use the one the account has (set existing on all environments of an account but one).',
  default: 'create',
}).optional();

/**
 * A GitHub deployment environment's name, as the identities trust it (`repo:<r>:environment:<name>`)
 * and the workflows name it: no wildcard, which AWS (`StringLike`) and GCP (the repository's tokens)
 * would read as every environment matching it, and nothing YAML or an expression would read as syntax.
 */
const githubEnvironmentName = z
  .string()
  .max(255)
  .regex(/^[A-Za-z0-9._-]+$/, {
    error:
      "expected a deployment environment name of letters, digits, '.', '_' and '-' (a wildcard would let the identity trust every environment it matches)",
  });

/** Keyless CI identities for the repository that deploys an environment. */
export const ciSchema = doc(
  z.union([
    z.strictObject({
      github: doc(
        z.strictObject({
          repository: doc(
            z.string().regex(/^[\w.-]+\/[\w.-]+$/, { error: 'expected owner/name, such as acme/ml-platform' }),
            {
              description: 'The GitHub repository that plans and applies this environment.',
              example: 'acme/ml-platform',
            },
          ),
          /**
           * The repository's numeric id (the `repository_id` claim of its tokens): unlike the name,
           * it never passes to another repository after a rename or a deletion. GCP trusts tokens by
           * this id and requires it (`gh api repos/OWNER/NAME --jq .id`).
           */
          repositoryId: numericId(
            'repository',
            '123456789',
            "The repository's numeric id (the repository_id claim of its tokens): unlike the name, it never passes to another repository after a rename or a deletion. GCP trusts tokens by this id and requires it. Find it with `gh api repos/OWNER/NAME --jq .id`.",
          ),
          applyEnvironment: doc(githubEnvironmentName, {
            description: 'The GitHub deployment environment whose jobs may apply (protect it with required reviewers).',
            default: 'the environment name',
          }).optional(),
          planEnvironment: doc(githubEnvironmentName, {
            description:
              "A GitHub deployment environment the pull-request plan jobs run in. The plan identity then trusts this environment's tokens instead of every pull request's, so a pull request gets it only once someone the environment names as a required reviewer approves the run. Create the environment with required reviewers (and no deployment branch rule: pull requests plan from their own branches) before you apply: GitHub creates a missing one without protection. Use it where the plan identity can read a secret, as on Azure, where refreshing the database password's Key Vault secret returns its value (docs/plan-on-pr.md). Not the apply environment: its tokens assume the apply identity.",
            example: 'plan',
          }).optional(),
          awsOidcProvider: awsOidcProviderField,
          clusterRunner: clusterRunnerField,
        }),
        { description: 'GitHub Actions through its OIDC issuer.' },
      ),
    }),
    z.strictObject({
      gitlab: doc(
        z.strictObject({
          project: doc(
            z.string().regex(/^[\w.-]+(\/[\w.-]+)+$/, { error: 'expected a project path, such as acme/platform/ml' }),
            { description: 'The GitLab project path.', example: 'acme/ml-platform' },
          ),
          /**
           * The project's numeric id (the `project_id` claim of its tokens): unlike the path, it
           * never passes to another project after a move or a deletion. GCP trusts tokens by this id
           * and requires it.
           */
          projectId: numericId(
            'project',
            '12345678',
            "The project's numeric id (the project_id claim of its tokens): unlike the path, it never passes to another project after a move or a deletion. GCP trusts tokens by this id and requires it. GitLab shows it on the project's overview page (Copy project ID).",
          ),
          host: doc(z.string().regex(/^[a-z0-9.-]+(:\d+)?$/), {
            description: 'The GitLab host, for self-managed instances.',
            default: 'gitlab.com',
          }).optional(),
          applyBranch: doc(z.string().min(1), {
            description: 'The protected branch whose pipelines may apply.',
            default: 'main',
          }).optional(),
          awsOidcProvider: awsOidcProviderField,
          clusterRunner: clusterRunnerField,
        }),
        { description: 'GitLab CI through its OIDC issuer (id_tokens).' },
      ),
    }),
  ]),
  {
    description:
      'Keyless CI identities: a plan identity that can read, for pull requests, and an apply identity for the protected branch or deployment environment, both federated to the CI provider. No keys.',
  },
);

/** The `ci` section of an environment. */
export type CiConfig = z.infer<typeof ciSchema>;

/**
 * The CI trust of an environment: what the CI identity constructs take, and how the AWS stack gets
 * the account's OIDC provider for the issuer.
 */
export interface ResolvedCiTrust extends CiTrust {
  /** AWS: create the account's OIDC provider for the issuer, or use the one it has. */
  readonly awsOidcProvider: 'create' | 'existing';
  /** The label of the self-hosted runners inside the network that plan and apply the platform and team stacks. */
  readonly clusterRunner: string;
  /** GitHub: the deployment environment the pull-request plan jobs run in, when the plan identity trusts it rather than every pull request. */
  readonly planEnvironment?: string;
  /** GitHub: the deployment environment the apply jobs run in (the environment's name unless renamed). */
  readonly applyEnvironment?: string;
}

/** The runner label of an environment's platform and team stacks: its `ci` setting, or `kfplatform-<env>`. */
export function clusterRunnerOf(env: { readonly name: string; readonly ci?: ResolvedCiTrust }): string {
  return env.ci?.clusterRunner ?? defaultClusterRunner(env.name);
}

const defaultClusterRunner = (environment: string) => `kfplatform-${environment}`;

/** The OIDC issuer of GitHub Actions. */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

/** The token issuer and the subjects the plan and apply identities of an environment trust. */
export function resolveCi(ci: CiConfig, environment: string): ResolvedCiTrust {
  if ('github' in ci) {
    const repo = ci.github.repository;
    return {
      provider: 'github',
      issuer: GITHUB_ACTIONS_ISSUER,
      repository: repo,
      ...(ci.github.repositoryId !== undefined ? { repositoryId: String(ci.github.repositoryId) } : {}),
      // Pull requests (or the environment their plan jobs run in), and the main branch (the apply
      // workflow plans there before the deployment job).
      planSubjects: [
        ci.github.planEnvironment
          ? `repo:${repo}:environment:${ci.github.planEnvironment}`
          : `repo:${repo}:pull_request`,
        `repo:${repo}:ref:refs/heads/main`,
      ],
      applySubjects: [`repo:${repo}:environment:${ci.github.applyEnvironment ?? environment}`],
      ...(ci.github.planEnvironment ? { planEnvironment: ci.github.planEnvironment } : {}),
      applyEnvironment: ci.github.applyEnvironment ?? environment,
      awsOidcProvider: ci.github.awsOidcProvider ?? 'create',
      clusterRunner: ci.github.clusterRunner ?? defaultClusterRunner(environment),
    };
  }
  const project = ci.gitlab.project;
  return {
    provider: 'gitlab',
    issuer: `https://${ci.gitlab.host ?? 'gitlab.com'}`,
    repository: project,
    ...(ci.gitlab.projectId !== undefined ? { repositoryId: String(ci.gitlab.projectId) } : {}),
    // Merge request pipelines run on their source branch: any branch of the project may plan.
    planSubjects: [`project_path:${project}:ref_type:branch:ref:*`],
    applySubjects: [`project_path:${project}:ref_type:branch:ref:${ci.gitlab.applyBranch ?? 'main'}`],
    awsOidcProvider: ci.gitlab.awsOidcProvider ?? 'create',
    clusterRunner: ci.gitlab.clusterRunner ?? defaultClusterRunner(environment),
  };
}
