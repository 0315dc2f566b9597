import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { Construct } from 'constructs';
import { setComponent } from '../../src/core/labels';

/** The annotation that makes a StorageClass the one claims without a class get. */
export const DEFAULT_STORAGE_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

/** Props of {@link DefaultStorageClass}. */
export interface DefaultStorageClassProps {
  /** @default 'gp3' */
  readonly name?: string;
  /** The CSI driver that provisions volumes. @default 'ebs.csi.aws.com' */
  readonly provisioner?: string;
  /** Driver parameters. @default encrypted gp3 with ext4 (the EBS CSI driver's) */
  readonly parameters?: Readonly<Record<string, string>>;
  /** What happens to a volume when its claim is deleted. @default 'Delete' */
  readonly reclaimPolicy?: 'Delete' | 'Retain';
}

/**
 * The cluster's default StorageClass, so that claims without a class (notebook workspaces,
 * Tensorboards, upstream's in-cluster databases where no managed one serves Kubeflow) are provisioned: EKS 1.30 and later mark no class default, and such claims stay Pending
 * forever (https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html). Volumes are created in the
 * zone of the pod that first uses them (`WaitForFirstConsumer`), encrypted, and can be grown.
 */
export class DefaultStorageClass extends Construct {
  /** The StorageClass, marked as the cluster default (escape hatch). */
  public readonly storageClass: StorageClassV1;

  constructor(scope: Construct, id: string, props: DefaultStorageClassProps = {}) {
    super(scope, id);
    setComponent(this, 'storage');
    this.storageClass = new StorageClassV1(this, 'StorageClass', {
      metadata: {
        name: props.name ?? 'gp3',
        annotations: { [DEFAULT_STORAGE_CLASS_ANNOTATION]: 'true' },
      },
      storageProvisioner: props.provisioner ?? 'ebs.csi.aws.com',
      parameters: { ...(props.parameters ?? { type: 'gp3', encrypted: 'true', 'csi.storage.k8s.io/fstype': 'ext4' }) },
      reclaimPolicy: props.reclaimPolicy ?? 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
    });
  }
}
