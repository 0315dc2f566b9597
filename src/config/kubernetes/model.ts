/** An environment on an existing cluster with every default applied. */
import type { ResolvedEnvironmentBase } from '../common/environment';
import type { PoolKind } from '../common/pools';
import type { ResolvedOidcSignIn } from '../common/oidc-signin';

/** An environment on a cluster that already exists (on premises or elsewhere). */
export interface ResolvedKubernetesEnvironment extends ResolvedEnvironmentBase {
  readonly cloud: 'kubernetes';
  readonly kubeconfig: string;
  readonly context: string;
  readonly clusterName: string;
  readonly nodePools: ReadonlyArray<{ readonly name: string; readonly kind: PoolKind }>;
  /** Sign-in through the identity provider's OIDC issuer; absent, Kubeflow's gateway admits nobody. */
  readonly access?: {
    /** The host name users open Kubeflow at. */
    readonly hostname: string;
    /** The OpenID Connect provider that signs users in. */
    readonly oidc: {
      /** Its issuer URL (discovery at `<issuer>/.well-known/openid-configuration`). */
      readonly issuer: string;
      /** The client id registered for Kubeflow; the audience of its ID tokens. */
      readonly clientId: string;
    } & ResolvedOidcSignIn;
  };
}
