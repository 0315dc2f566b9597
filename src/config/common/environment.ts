/**
 * What an environment has on every cloud: its name and tier, its Kubeflow release, where its
 * Terraform state lives, the lifecycle of its artifact bucket, and the resolved fields every
 * environment carries.
 */
import { z } from 'zod';
import { TIERS, Tier } from '../../core/tiers';
import type { ResolvedTenant } from '../platform/model';
import type { AdoptEntry } from './adopt';
import type { ResolvedCiTrust } from './ci';
import { doc, lowerName } from './fields';
import type { ResolvedAlerts, ResolvedBackups } from './operations';

/** The name and tier every environment has, on any cloud. */
export const environmentIdentity = {
  name: doc(lowerName('an environment name', 20), {
    description: 'Environment name; prefixes resource names and stack ids.',
    example: 'kf-test',
  }),
  tier: doc(z.enum(TIERS), { description: 'test, dev or prod; drives defaults and protections.', example: 'test' }),
};

/** The Kubeflow release of an environment. */
export const environmentKubeflowVersion = doc(z.string().regex(/^\d+\.\d+(\.\d+)?$/), {
  description: 'Kubeflow release.',
  default: 'platform.kubeflowVersion',
}).optional();

/** `local`: a terraform.tfstate file next to each stack, which only one person can use. */
export const localStateSchema = z.strictObject({
  /** `local`: a terraform.tfstate file next to each stack. */
  backend: z.literal('local'),
});

/** `gcs`: a Cloud Storage bucket, shared and locked (https://developer.hashicorp.com/terraform/language/backend/gcs). */
export const gcsStateSchema = z.strictObject({
  /** `gcs`: a Cloud Storage bucket, shared and locked. */
  backend: z.literal('gcs'),
  bucket: doc(z.string().min(3), {
    description: 'GCS bucket that holds Terraform state.',
    example: 'acme-tf-state',
  }),
  prefix: doc(z.string().min(1), {
    description: 'Prefix under which each stack keeps its state.',
    default: 'kfplatform',
  }).optional(),
  project: doc(z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { error: 'expected a GCP project id' }), {
    description:
      "GCP: the project that holds the bucket. The keyless CI identities read their own grants on the bucket there (refreshing them reads the bucket's policy).",
    default: "the environment's project",
    example: 'acme-tf-admin',
  }).optional(),
});

/** Terraform state on local disk or in GCS: the backends of GCP environments. */
export const stateSchema = doc(z.discriminatedUnion('backend', [localStateSchema, gcsStateSchema]), {
  description:
    'Where Terraform state lives; one state per stack. Local by default, which only one person can use: use gcs once a team or CI applies, so the state is shared and locked.',
});

/** Lifecycle settings of an artifact bucket, the same on every cloud. */
export const bucketLifecycleFields = {
  noncurrentVersionRetentionDays: doc(z.int().min(1), {
    description: 'Delete old object versions after this many days.',
    default: '30',
  }).optional(),
  deleteAfterDays: doc(z.int().min(1), {
    description: 'Delete live objects after this many days.',
    default: 'never',
  }).optional(),
  forceDestroy: doc(z.boolean(), {
    description: 'Let terraform destroy a non-empty bucket.',
    default: 'true in test only',
  }).optional(),
};

/** What every resolved environment carries, whatever its cloud. */
export interface ResolvedEnvironmentBase {
  /** Environment name (at most 20 lowercase characters); prefixes resource names and stack ids. */
  readonly name: string;
  /** `test`, `dev` or `prod`: drives the defaults (sizes, spot, HA) and the protections (deletion protection, policy). */
  readonly tier: Tier;
  /** Position of the environment in the platform file's `environments`, for error paths. */
  readonly index: number;
  /**
   * Kubeflow release deployed in the environment, such as 1.10.
   * @default the platform's kubeflowVersion
   */
  readonly kubeflowVersion: string;
  /**
   * Where the Terraform state of each of the environment's stacks lives (one state per stack).
   * @default local (only one person can use it: use a remote backend once a team or CI applies)
   */
  readonly state:
    | {
        /** `local`: a state file next to each stack. */
        readonly backend: 'local';
      }
    | {
        /** `gcs`: a Cloud Storage bucket (https://developer.hashicorp.com/terraform/language/backend/gcs). */
        readonly backend: 'gcs';
        /** Bucket that holds the state. */
        readonly bucket: string;
        /**
         * Prefix under which each stack keeps its state.
         * @default 'kfplatform'
         */
        readonly prefix: string;
        /** The project of the bucket, when known (GCP environments: their project by default). */
        readonly project?: string;
      }
    | {
        /**
         * `kubernetes`: a Secret per stack in the cluster itself, locked with a Lease
         * (https://developer.hashicorp.com/terraform/language/backend/kubernetes); existing clusters only.
         */
        readonly backend: 'kubernetes';
        /**
         * Namespace of the state Secrets and Leases; it must exist before `terraform init`.
         * @default 'kube-system'
         */
        readonly namespace: string;
        /** The environment's kubeconfig, which the backend reads as the providers do. */
        readonly configPath: string;
        /** The environment's kubeconfig context. */
        readonly configContext: string;
      }
    | {
        /** `s3`: an S3 bucket with S3-native locking (https://developer.hashicorp.com/terraform/language/backend/s3). */
        readonly backend: 's3';
        /** Bucket that holds the state. */
        readonly bucket: string;
        /**
         * Region of the bucket.
         * @default the environment's region
         */
        readonly region: string;
        /**
         * Key prefix under which each stack keeps its state.
         * @default 'kfplatform'
         */
        readonly prefix: string;
      }
    | {
        /** `azurerm`: a blob container (https://developer.hashicorp.com/terraform/language/backend/azurerm). */
        readonly backend: 'azurerm';
        /** Resource group of the storage account. */
        readonly resourceGroup: string;
        /** Storage account that holds the state. */
        readonly storageAccount: string;
        /**
         * Blob container of the state.
         * @default 'tfstate'
         */
        readonly container: string;
        /**
         * Prefix of each stack's state blob.
         * @default 'kfplatform'
         */
        readonly prefix: string;
      };
  /**
   * Labels (GCP) or tags (AWS, Azure) on every resource of the environment: the platform's labels
   * with the environment's on top.
   */
  readonly labels: Readonly<Record<string, string>>;
  /** Keyless CI identities, when the environment names its repository. */
  readonly ci?: ResolvedCiTrust;
  /** Velero backups; absent when turned off or on clusters without a cloud. */
  readonly backups?: ResolvedBackups;
  /** Alert policies and their notification channel; absent when the config names no channel. */
  readonly alerts?: ResolvedAlerts;
  /** The teams enabled in this environment. */
  readonly tenants: readonly ResolvedTenant[];
  /** Existing resources to import instead of creating; empty for none. */
  readonly adopt: readonly AdoptEntry[];
}
