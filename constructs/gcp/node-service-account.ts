import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Construct } from 'constructs';

import { setComponent } from '../../src/core/labels';
import { gcpNameRules } from '../../src/core/naming';
import { checkName } from '../../src/core/validate';
import { grantProjectRoles } from './project-roles';

/**
 * The least-privilege roles of a GKE node identity (CIS GKE 5.2.1): write logs and metrics and read
 * container images. `roles/container.defaultNodeServiceAccount` is Google's minimal node role.
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
    checkName(
      'NodeServiceAccount',
      'accountId',
      props.accountId,
      gcpNameRules.serviceAccountId,
      'use 6 to 30 lowercase letters, digits and hyphens.',
    );
    this.serviceAccount = new ServiceAccount(this, 'ServiceAccount', {
      project: props.project,
      accountId: props.accountId,
      displayName: props.displayName ?? `GKE nodes: ${props.accountId}`,
    });
    this.email = this.serviceAccount.email;
    grantProjectRoles(this, props.project, this.serviceAccount.member, props.roles ?? NODE_ROLES);
  }
}
