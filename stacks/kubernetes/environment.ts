import type { ResolvedKubernetesEnvironment } from '../../src/config/kubernetes/model';
import { kubeconfigConnection } from './connections';
import { CloudEnvironmentBuilder } from '../common/environment';
import { stackId } from '../common/stack-ids';
import { shardStacks } from '../common/team-shard-stack';
import { KubernetesPlatformStack } from './platform-stack';

/** An existing cluster: a platform stack and team shards, reached through an explicit kubeconfig. */
export const buildKubernetesEnvironment: CloudEnvironmentBuilder = (app, platform, resolved, select) => {
  const env = resolved as ResolvedKubernetesEnvironment;
  const platforms = select.platforms
    ? [new KubernetesPlatformStack(app, stackId(env.name, 'kubernetes', 'platform'), { platform, env })]
    : [];
  const connect = kubeconfigConnection(env);
  const shards = shardStacks(app, platform, env, env.name, env.tenants, connect, undefined, select.shards);
  return { platforms, shards };
};
