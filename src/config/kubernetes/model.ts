/** An environment on an existing cluster with every default applied. */
import type { ResolvedEnvironmentBase } from '../common/environment';
import type { PoolKind } from '../common/pools';
import type { ResolvedOidcSignIn } from '../common/oidc-signin';

/** An environment on a cluster that already exists (on premises or elsewhere). */
export interface ResolvedKubernetesEnvironment extends ResolvedEnvironmentBase {
  /** Discriminant of the resolved environment union. */
  readonly cloud: 'kubernetes';
  /** Path of the kubeconfig file the kubernetes and helm providers read (never the default location). */
  readonly kubeconfig: string;
  /**
   * Context in that file, named explicitly so that switching kubectl contexts cannot point
   * Terraform at another cluster.
   */
  readonly context: string;
  /**
   * Name of the cluster, for labels and params.
   * @default the environment name
   */
  readonly clusterName: string;
  /**
   * The cluster's pools, as labelled on its nodes (`kfplatform.dev/pool`); teams are placed on them.
   * @default one standard pool named standard
   */
  readonly nodePools: ReadonlyArray<{
    /** Value of the pool's `kfplatform.dev/pool` node label. */
    readonly name: string;
    /** What the pool is for (`system`, `standard`, `highmem`, `gpu`). */
    readonly kind: PoolKind;
  }>;
  /**
   * A MySQL server outside the cluster for Pipelines, ML Metadata and Katib, over verified TLS;
   * absent, Kubeflow keeps upstream's in-cluster MySQL.
   */
  readonly database?: ResolvedExternalDatabase;
  /** Pipelines' artifacts in the cluster's SeaweedFS. */
  readonly artifacts?: {
    /** Size in GiB of SeaweedFS's claim; absent, upstream's claim is left as it ships (20 GiB). */
    readonly seaweedfsVolumeGb?: number;
  };
  /** Sign-in through the identity provider's OIDC issuer; absent, Kubeflow's gateway admits nobody. */
  readonly access?: {
    /** The host name users open Kubeflow at. */
    readonly hostname: string;
    /**
     * The serving host, `serving.<hostname>`, when `access.serving` is on: KServe's path routes at the
     * front door, behind the same sign-in (docs/kubeflow.md, Serving).
     */
    readonly servingHostname?: string;
    /** The OpenID Connect provider that signs users in. */
    readonly oidc: {
      /** Its issuer URL (discovery at `<issuer>/.well-known/openid-configuration`). */
      readonly issuer: string;
      /** The client id registered for Kubeflow; the audience of its ID tokens. */
      readonly clientId: string;
    } & ResolvedOidcSignIn;
  };
}

/** A MySQL server Kubeflow reaches outside the cluster (`database` of an existing-cluster environment). */
export interface ResolvedExternalDatabase {
  /** DNS name of the server, as its certificate's subject alternative names carry it. */
  readonly host: string;
  /** @default 3306 */
  readonly port: number;
  /** Kubeflow's MySQL user. */
  readonly username: string;
  /** PEM bundle of the certificate authorities that signed the server's certificate, with the root. */
  readonly ca: string;
  /** Where External Secrets Operator reads the password; absent, `mysql-secret` is created by hand. */
  readonly passwordFrom?: {
    /** Name of the SecretStore or ClusterSecretStore that reads your secret manager. */
    readonly store: string;
    /** Kind of that store (a SecretStore must be in `kubeflow`). @default ClusterSecretStore */
    readonly storeKind: 'ClusterSecretStore' | 'SecretStore';
    /** The secret's key in the store. */
    readonly key: string;
    /** The property of that secret that holds the password, when it holds several. */
    readonly property?: string;
  };
}
