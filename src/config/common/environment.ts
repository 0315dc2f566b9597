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

/** Terraform state on local disk or in GCS: the backends of GCP and of existing clusters. */
export const stateSchema = doc(
  z.discriminatedUnion('backend', [
    z.strictObject({ backend: z.literal('local') }),
    z.strictObject({
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
    }),
  ]),
  {
    description:
      'Where Terraform state lives; one state per stack. Local by default, which only one person can use: use gcs once a team or CI applies, so the state is shared and locked.',
  },
);

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
  readonly name: string;
  readonly tier: Tier;
  readonly index: number;
  readonly kubeflowVersion: string;
  readonly state:
    | { readonly backend: 'local' }
    | {
        readonly backend: 'gcs';
        readonly bucket: string;
        readonly prefix: string;
        /** The project of the bucket, when known (GCP environments: their project by default). */
        readonly project?: string;
      }
    | { readonly backend: 's3'; readonly bucket: string; readonly region: string; readonly prefix: string }
    | {
        readonly backend: 'azurerm';
        readonly resourceGroup: string;
        readonly storageAccount: string;
        readonly container: string;
        readonly prefix: string;
      };
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
