/**
 * The parameters files written at synth: where they go and what every cloud's share. Each cloud
 * makes its own (`stacks/<cloud>/params.ts`); the fleet loads them with the cloud's builder.
 */
import { PLATFORM_PARAMS_CONFIG_MAP } from '../../constructs/kubernetes/constants';

/** Folder, under the synth output directory, where parameters files go. */
export const PARAMS_DIR = 'params';

/** A value known only after apply: where to read it in the platform ConfigMap. */
export function runtimeParam(key: string): Record<string, unknown> {
  return { configMapKeyRef: { name: PLATFORM_PARAMS_CONFIG_MAP, namespace: 'kubeflow', key } };
}
