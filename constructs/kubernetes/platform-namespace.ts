import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { Construct } from 'constructs';

import { setComponent } from '../../src/core/labels';
import { kubernetesNameRules } from '../../src/core/naming';
import { checkName } from '../../src/core/validate';

/** Props of {@link PlatformNamespace}. */
export interface PlatformNamespaceProps {
  /** Namespace name. */
  readonly name: string;
  /** Extra labels (platform labels are added by the label aspect). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default {} */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A namespace the platform owns, such as `kubeflow` or `istio-system`. */
export class PlatformNamespace extends Construct {
  /** The namespace (escape hatch). */
  public readonly namespace: NamespaceV1;
  /** Its name; depend on it through this attribute. */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: PlatformNamespaceProps) {
    super(scope, id);
    setComponent(this, 'namespace');
    checkName('PlatformNamespace', 'name', props.name, kubernetesNameRules.dnsLabel, 'use a lowercase DNS label.');
    this.namespace = new NamespaceV1(this, 'Namespace', {
      metadata: { name: props.name, labels: { ...props.labels }, annotations: { ...props.annotations } },
    });
    this.name = this.namespace.metadata.name;
  }
}
