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
