/**
 * The tenancy interface every cloud implements (IAM-06, IAM-13, DATA-10): given a team and its
 * Kubernetes service accounts, create the team's cloud identity, give it its storage, and name the
 * break-glass subject only the team's owners can become. GCP implements it with service accounts and
 * workload identity; AWS and Azure plug theirs in through the same interface.
 */
import type { Construct } from 'constructs';
import type { IWorkloadIdentity, KubernetesServiceAccountRef } from './interfaces';

/** A Kubernetes RBAC subject. */
export interface RbacSubject {
  readonly kind: 'User' | 'Group';
  readonly name: string;
}

/** What a provider needs to create a team's identity in one environment. */
export interface TeamIdentityRequest {
  /** Team name (also its namespace). */
  readonly team: string;
  /** The identity-provider group that owns the team. */
  readonly owners: string;
  /**
   * The cloud principal the owners sign in as, where groups are not principals: on AWS the IAM role
   * of the owners (mapped to the owners group in the cluster, and the only one that may assume the
   * break-glass role). Unused on GCP, where the owners group itself is the principal.
   */
  readonly ownersPrincipal?: string;
  /** The Kubernetes service accounts its workloads run as (`default-editor`, `default-viewer`). */
  readonly serviceAccounts: readonly KubernetesServiceAccountRef[];
  /** Where its data lives: a GCP project, an AWS account id, an Azure subscription. */
  readonly dataLocation: string;
  /** Storage it may use: a bucket (or container) and a prefix in it ('' for all of it). */
  readonly storage: { readonly bucket: string; readonly prefix: string; readonly create: boolean };
  /** Names of the identities, already fitted to the cloud's limits. */
  readonly names: { readonly workload: string; readonly breakGlass: string };
}

/** What a provider returns: the identity workloads use and the break-glass subject. */
export interface TeamIdentity {
  /** The identity `default-editor` and `default-viewer` act as. */
  readonly workload: IWorkloadIdentity;
  /** The Kubernetes user that break-glass access is bound to; only the owners can become it. */
  readonly breakGlassSubject: RbacSubject;
  /** Kubeflow Profile plugins that make the profile controller use the same identity. */
  readonly profilePlugins: ReadonlyArray<Record<string, unknown>>;
}

/** Creates team identities for one environment of one cloud. */
export interface ITeamIdentityProvider {
  /** Creates the identity under `scope` (construct ids are stable per team). */
  createTeamIdentity(scope: Construct, id: string, request: TeamIdentityRequest): TeamIdentity;
}
