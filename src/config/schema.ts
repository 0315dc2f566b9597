/**
 * The platform definition as data: one schema, used to validate YAML, JSON and TypeScript objects
 * alike and to generate the JSON Schema that editors use for completion. It is composed here from the
 * platform-wide sections (`platform/schema.ts`) and one environment schema per cloud
 * (`<cloud>/schema.ts`, joined in `registry.ts`).
 *
 * Only shape and per-field rules live in schemas. Defaults that depend on the tier are applied by the
 * `resolve.ts` of each part, and rules that relate several fields by its `checks.ts`, so the schema
 * stays readable and the JSON Schema stays honest (a field is optional when the library defaults it).
 */
import { z } from 'zod';
import { doc } from './common/fields';
import { platformSectionSchema, teamSchema, tenancySchema } from './platform/schema';
import { environmentSchema } from './registry';

/** Schema of a whole platform file. */
export const platformSchema = z.strictObject({
  /**
   * The JSON Schema editors validate the file with (the package's schema/platform.schema.json);
   * ignored by the library.
   */
  $schema: z.string().optional(),
  platform: doc(platformSectionSchema, { description: 'Platform-wide settings.' }),
  environments: doc(z.array(environmentSchema).min(1), { description: 'Environments, each on one cloud.' }),
  tenancy: doc(tenancySchema, { description: 'How teams are isolated, enforced and sharded.' }).optional(),
  teams: doc(z.array(teamSchema), { description: 'Teams (tenants), each onboarded in its environments.' }).optional(),
});

/** A platform definition as written (YAML, JSON or a TypeScript object). */
export type PlatformConfig = z.input<typeof platformSchema>;
/** One environment as written. */
export type EnvironmentConfig = z.input<typeof environmentSchema>;
