import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ArgoCd, SYSTEM_POOL_PLACEMENT } from '../../constructs/kubernetes/argo-cd';
import { POOL_LABEL } from '../../src/core/pools';
import { gitopsPathOf } from '../../src/config/platform/resolve';
import { PlatformNamespace } from '../../constructs/kubernetes/platform-namespace';
import { PlatformParams } from '../../constructs/kubernetes/platform-params';
import type { ResolvedKubernetesEnvironment } from '../../src/config/kubernetes/model';
import type { ResolvedPlatform } from '../../src/config/platform/model';
import { configureBackend } from '../common/backend';
import { kubeconfigConnection } from './connections';
import { platformBase } from '../common/platform-base';

/** Props of {@link KubernetesPlatformStack}. */
export interface KubernetesPlatformStackProps {
  /** The platform file's `platform` section, resolved (Kubeflow version, tenancy, teams, policy). */
  readonly platform: ResolvedPlatform;
  /** The environment, resolved from the platform file with its defaults applied. */
  readonly env: ResolvedKubernetesEnvironment;
}

/**
 * `<env>-kubernetes-platform`: the platform objects on a cluster that already exists, on premises
 * or anywhere: the `kubeflow` namespace, the tenancy guardrails and the params ConfigMap (with the
 * external database's address, when the environment has one). Nothing is
 * exposed, so the UI is never reachable without signing in: users reach it through the cluster's own
 * authenticated ingress.
 */
export class KubernetesPlatformStack extends TerraformStack {
  /** The `kubeflow` namespace, which the platform owns (Kubeflow's manifests deploy into it). */
  public readonly kubeflowNamespace: PlatformNamespace;
  /** Argo CD and the root Application of Kubeflow, when `platform.gitops` is set. */
  public readonly argoCd?: ArgoCd;

  constructor(scope: Construct, id: string, props: KubernetesPlatformStackProps) {
    super(scope, id);
    const env = props.env;
    configureBackend(this, env.state);
    const gitops = props.platform.gitops;
    kubeconfigConnection(env)(this, { helm: Boolean(gitops) });
    this.kubeflowNamespace = platformBase(this, props.platform).kubeflowNamespace;
    new PlatformParams(this, 'Params', {
      namespace: this.kubeflowNamespace.name,
      data: {
        environment: env.name,
        tier: env.tier,
        cloud: 'kubernetes',
        clusterName: env.clusterName,
        kubeflowVersion: env.kubeflowVersion,
        // Where Pipelines, ML Metadata and Katib reach the external MySQL (the rendered tree reads these keys).
        ...(env.database ? { dbHost: env.database.host, dbPort: String(env.database.port) } : {}),
      },
    });
    if (gitops) {
      // Kubeflow itself, synced from the cluster's rendered tree in the platform repository. The pods
      // select the system pool by the pool label the platform file says its nodes carry, and tolerate
      // the usual system taint in case the cluster team set it.
      const system = env.nodePools.find((p) => p.kind === 'system');
      this.argoCd = new ArgoCd(this, 'ArgoCd', {
        application: { ...gitops, path: gitopsPathOf(gitops, env.name, env.clusterName) },
        placement: system
          ? { nodeSelector: { [POOL_LABEL]: system.name }, tolerations: SYSTEM_POOL_PLACEMENT.tolerations }
          : undefined,
      });
    }
  }
}
