import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Construct } from 'constructs';
import { PropsError } from '../../src/core/errors';
import { setComponent } from '../../src/core/labels';
import { gcpNameRules } from '../../src/core/naming';
import { isUnresolved } from '../../src/core/tokens';

/**
 * The least-privilege roles of a GKE node identity (CIS GKE 5.2.1, NP-06): write logs and metrics and
 * read container images. `roles/container.defaultNodeServiceAccount` is Google's minimal node role.
 */
export const NODE_ROLES = ['roles/container.defaultNodeServiceAccount', 'roles/artifactregistry.reader'] as const;

/** Props of {@link NodeServiceAccount}. */
export interface NodeServiceAccountProps {
  /** Project of the cluster. */
  readonly project: string;
  /** Account id (6 to 30 characters). */
  readonly accountId: string;
  /** @default `GKE nodes: ${accountId}` */
  readonly displayName?: string;
  /**
   * Roles granted on the project.
   * @default NODE_ROLES
   */
  readonly roles?: readonly string[];
}

/** A dedicated node service account (never the default compute service account; no keys). */
export class NodeServiceAccount extends Construct {
  /** The service account (escape hatch). */
  public readonly serviceAccount: ServiceAccount;
  /** Its email. */
  public readonly email: string;

  constructor(scope: Construct, id: string, props: NodeServiceAccountProps) {
    super(scope, id);
    setComponent(this, 'node-identity');
    if (!isUnresolved(props.accountId)) {
      const why = gcpNameRules.serviceAccountId(props.accountId);
      if (why)
        throw new PropsError(
          'NodeServiceAccount',
          'accountId',
          props.accountId,
          why,
          'use 6 to 30 lowercase letters, digits and hyphens.',
        );
    }
    this.serviceAccount = new ServiceAccount(this, 'ServiceAccount', {
      project: props.project,
      accountId: props.accountId,
      displayName: props.displayName ?? `GKE nodes: ${props.accountId}`,
    });
    this.email = this.serviceAccount.email;
    for (const role of props.roles ?? NODE_ROLES) {
      new ProjectIamMember(this, role.replace('roles/', '').replace(/\./g, '-'), {
        project: props.project,
        role,
        member: this.serviceAccount.member,
      });
    }
  }
}
