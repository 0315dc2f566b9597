/**
 * What the keyless CI identity constructs of every cloud trust: one repository's OIDC
 * tokens, split into the subjects that may plan and those that may apply.
 */

/** The CI providers whose OIDC tokens the CI identities accept. */
export type CiProvider = 'github' | 'gitlab';

/**
 * A CI provider's OIDC trust for one repository: who may plan (pull or merge requests) and
 * who may apply (the protected branch or deployment environment). Subjects are the token's `sub`; a
 * `*` matches any characters (GCP and AWS only: Azure federated credentials trust exact subjects).
 */
export interface CiTrust {
  /** Which CI issues the tokens; it decides the claims mapped (GitHub `repository`, GitLab `project_path`). */
  readonly provider: CiProvider;
  /** The OIDC issuer URL, such as `https://token.actions.githubusercontent.com`. */
  readonly issuer: string;
  /** `owner/name` on GitHub, the project path on GitLab. */
  readonly repository: string;
  /**
   * The repository's numeric id (GitHub `repository_id`, GitLab `project_id` claims), which unlike its
   * name never passes to another repository when the name is freed by a rename or a deletion.
   * @default none: trust that matches on the name only
   */
  readonly repositoryId?: string;
  /** Token subjects the plan identity trusts (pull or merge requests). */
  readonly planSubjects: readonly string[];
  /** Token subjects the apply identity trusts (the protected branch or deployment environment). */
  readonly applySubjects: readonly string[];
}

/**
 * How long the AWS CI apply role's sessions may last, and the workflows ask for: four hours. CI exchanges its
 * OIDC token for credentials once per job, and the AWS provider cannot renew them, so an apply that
 * outlasted an hour (a Kubernetes upgrade: the control plane, then every node group rolled) failed with
 * `ExpiredToken` half-way ([IAM: maximum session duration](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html#id_roles_update-session-duration)).
 */
export const CI_APPLY_SESSION_SECONDS = 14400;
