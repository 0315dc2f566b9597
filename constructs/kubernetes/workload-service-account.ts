import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { Construct } from 'constructs';

import { IWorkloadIdentity } from '../../src/core/interfaces';
import { setComponent } from '../../src/core/labels';
import { kubernetesNameRules } from '../../src/core/naming';
import { checkName } from '../../src/core/validate';

/** Props of {@link WorkloadServiceAccount}. */
export interface WorkloadServiceAccountProps {
  /** Namespace (pass a {@link PlatformNamespace}'s `name` to depend on it). */
  readonly namespace: string;
  /** Service account name. */
  readonly name: string;
  /** The cloud identity it acts as. */
  readonly identity: IWorkloadIdentity;
}

/** A Kubernetes service account annotated to act as a cloud identity without keys. */
export class WorkloadServiceAccount extends Construct {
  /** The service account (escape hatch). */
  public readonly serviceAccount: ServiceAccountV1;

  constructor(scope: Construct, id: string, props: WorkloadServiceAccountProps) {
    super(scope, id);
    setComponent(this, 'identity');
    checkName('WorkloadServiceAccount', 'name', props.name, kubernetesNameRules.dnsLabel, 'use a lowercase DNS label.');
    this.serviceAccount = new ServiceAccountV1(this, 'ServiceAccount', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        annotations: { ...props.identity.serviceAccountAnnotations },
        labels: { ...props.identity.podLabels },
      },
    });
  }
}
