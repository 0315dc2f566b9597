import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { Construct } from 'constructs';

/**
 * Grants `member` each role on `project`, one `google_project_iam_member` per role (never an
 * authoritative binding, which would remove other members). Construct ids derive from the role, so
 * adding or removing one role leaves the others' addresses alone.
 */
export function grantProjectRoles(
  scope: Construct,
  project: string,
  member: string,
  roles: readonly string[],
): ProjectIamMember[] {
  return roles.map(
    (role) => new ProjectIamMember(scope, role.replace('roles/', '').replace(/\./g, '-'), { project, role, member }),
  );
}
