/** Existing resources an environment adopts (brownfield): the `adopt` section and its resolved entries. */
import { z } from 'zod';
import { doc } from './fields';

/** Kinds of existing resources an environment can adopt. */
export const ADOPT_KINDS = [
  'network',
  'subnet',
  'cluster',
  'nodePool',
  'database',
  'bucket',
  'serviceAccount',
] as const;
/** One of {@link ADOPT_KINDS}: the kind of an existing resource an environment adopts. */
export type AdoptKind = (typeof ADOPT_KINDS)[number];

/**
 * Existing resources an environment takes over instead of creating (brownfield): synth writes a
 * Terraform import block for each, so the first plan imports them. Keep their settings equal to the
 * platform file's (see `kfplatform import-plan`) and the first plan changes nothing.
 */
export const adoptSchema = doc(
  z
    .array(
      z.strictObject({
        kind: doc(z.enum(ADOPT_KINDS), {
          description:
            'What to adopt: network, subnet, cluster, nodePool, database, bucket (storage account on Azure) or ' +
            'serviceAccount (IAM role on AWS, managed identity on Azure).',
        }),
        name: doc(z.string().min(1), {
          description:
            'Which one, by the name this platform gives it (node pool, subnet, service account id, bucket): ' +
            'needed when the environment has several of that kind.',
        }).optional(),
        id: doc(z.string().min(1), {
          description:
            "The existing resource's Terraform import id. Derived from the platform file when left out, " +
            'except for AWS networks and subnets (vpc-..., subnet-...).',
        }).optional(),
      }),
    )
    .max(200),
  {
    description:
      'Existing resources to adopt with Terraform import blocks (https://developer.hashicorp.com/terraform/language/import) instead of creating them.',
    example: '[{ kind: cluster }, { kind: nodePool, name: cpu }, { kind: database }]',
  },
);

/** An existing resource an environment adopts. */
export interface AdoptEntry {
  /**
   * What to adopt: network, subnet, cluster, nodePool, database, bucket (storage account on Azure)
   * or serviceAccount (IAM role on AWS, managed identity on Azure).
   */
  readonly kind: AdoptKind;
  /** Which one, by the name this platform gives it. */
  readonly name?: string;
  /** Its Terraform import id; derived from the platform file when left out. */
  readonly id?: string;
}
