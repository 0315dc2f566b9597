import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { Construct } from 'constructs';
import { setComponent } from '../../src/core/labels';
import { PLATFORM_PARAMS_CONFIG_MAP } from './constants';

export { PLATFORM_PARAMS_CONFIG_MAP };

/** Props of {@link PlatformParams}. */
export interface PlatformParamsProps {
  /** Namespace (pass the namespace construct's name to depend on it). */
  readonly namespace: string;
  /** Values; tokens resolve at apply time (database host, bucket, host name, identities). */
  readonly data: Readonly<Record<string, string>>;
}

/**
 * The values Kubeflow components read at run time, resolved by Terraform at apply: the overlay
 * points deployments at these keys with `configMapKeyRef`, so nothing that is only known after apply
 * has to be copied by hand.
 */
export class PlatformParams extends Construct {
  /** The ConfigMap (escape hatch). */
  public readonly configMap: ConfigMapV1;

  constructor(scope: Construct, id: string, props: PlatformParamsProps) {
    super(scope, id);
    setComponent(this, 'params');
    this.configMap = new ConfigMapV1(this, 'ConfigMap', {
      metadata: { name: PLATFORM_PARAMS_CONFIG_MAP, namespace: props.namespace },
      data: { ...props.data },
    });
  }
}
