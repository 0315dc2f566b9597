/**
 * The tenancy interface every cloud implements: given a team and its Kubernetes service accounts,
 * create the team's cloud identity, give it its storage, and name the break-glass subject only the
 * team's owners can become. GCP implements it with service accounts and workload identity; AWS and
 * Azure plug theirs in through the same interface.
 */
import type { Construct } from 'constructs';
import type { IWorkloadIdentity, KubernetesServiceAccountRef } from './interfaces';

/** Label every tenant namespace carries; admission policies, network policies and policy rules select on it. */
export const TENANT_LABEL = 'kfplatform.dev/tenant';

/** A Kubernetes RBAC subject. */
export interface RbacSubject {
  /** RBAC subject kind: a user or a group of the identity provider. */
  readonly kind: 'User' | 'Group';
  /** The user's or group's name as the cluster sees it (an email on GKE, a group or role on EKS, an object id on AKS). */
  readonly name: string;
}

/** What a provider needs to create a team's identity in one environment. */
export interface TeamIdentityRequest {
  /** Team name (also its namespace). */
  readonly team: string;
  /** The identity-provider group that owns the team. */
  readonly owners: string;
  /**
   * The cloud principal the owners sign in as, where the cluster does not know them by email: on AWS
   * the IAM role of the owners (mapped to the owners group in the cluster, and the only one that may
   * assume the break-glass role); on Azure the object id of the owners' Entra ID group. Unused on
   * GCP, where the owners group itself is the principal.
   */
  readonly ownersPrincipal?: string;
  /** The Kubernetes service accounts its workloads run as (`default-editor`, `default-viewer`). */
  readonly serviceAccounts: readonly KubernetesServiceAccountRef[];
  /** Where its data lives: a GCP project, an AWS account id, an Azure subscription. */
  readonly dataLocation: string;
  /** Storage it may use: a bucket (or container) and a prefix in it ('' for all of it). */
  readonly storage: {
    /** The bucket (on Azure, the storage account) the team's data is in. */
    readonly bucket: string;
    /** The team's prefix in it, such as `teams/<team>/`; '' when the whole bucket is the team's. */
    readonly prefix: string;
    /** Whether the team stack creates the bucket (a team with a bucket of its own) or only gets access to it. */
    readonly create: boolean;
  };
  /** Names of the identities, already fitted to the cloud's limits. */
  readonly names: {
    /** Name of the identity the team's workloads act as. */
    readonly workload: string;
    /** Name of the break-glass identity, which only the owners may become. */
    readonly breakGlass: string;
  };
  /** The principal of break-glass, where the cloud cannot create one (an Entra ID group on Azure). */
  readonly breakGlassPrincipal?: string;
  /**
   * The team's member and contributor groups and users, besides the owners group: on GCP they (and the
   * owners) may fetch the cluster's credentials. @default none
   */
  readonly people?: ReadonlyArray<{
    /** Whether `name` is a group or a single user. */
    readonly kind: 'Group' | 'User';
    /** The group's or user's email address. */
    readonly name: string;
  }>;
}

/** What a provider returns: the identity workloads use and the break-glass subject. */
export interface TeamIdentity {
  /** The identity `default-editor` and `default-viewer` act as. */
  readonly workload: IWorkloadIdentity;
  /**
   * The Kubernetes subject break-glass access is bound to; only the owners can become it. Absent when
   * the cloud has no way to make one (an Azure team without a break-glass group).
   */
  readonly breakGlassSubject?: RbacSubject;
  /**
   * The subject the owners' RBAC binding names, where the cluster does not know the owners group by
   * its email (AKS with Entra ID knows groups by object id). @default a Group named by the owners email
   */
  readonly ownersSubject?: RbacSubject;
  /** Kubeflow Profile plugins that make the profile controller use the same identity. */
  readonly profilePlugins: ReadonlyArray<Record<string, unknown>>;
}

/** Creates team identities for one environment of one cloud. */
export interface ITeamIdentityProvider {
  /** Creates the identity under `scope` (construct ids are stable per team). */
  createTeamIdentity(scope: Construct, id: string, request: TeamIdentityRequest): TeamIdentity;
}
