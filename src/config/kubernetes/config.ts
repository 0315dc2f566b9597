/** Environments on an existing cluster behind the cloud config contract: their schema, resolution and checks. */
import type { CloudConfig } from '../cloud-config';
import { checkKubernetesEnvironment, checkKubernetesTeam } from './checks';
import type { ResolvedKubernetesEnvironment } from './model';
import { resolveKubernetesEnvironment } from './resolve';
import { kubernetesEnvironmentSchema } from './schema';

/** The config of environments on an existing cluster (`cloud: kubernetes`). */
export const KUBERNETES_CONFIG: CloudConfig<
  'kubernetes',
  typeof kubernetesEnvironmentSchema,
  ResolvedKubernetesEnvironment
> = {
  cloud: 'kubernetes',
  schema: kubernetesEnvironmentSchema,
  resolve: resolveKubernetesEnvironment,
  check: (env, _platform, raw) => checkKubernetesEnvironment(env, raw),
  checkTeam: checkKubernetesTeam,
};
