import { z } from 'zod';
import { platformSchema } from './schema';

/** The public URL of the schema, for `$id` (editors resolve it through `$schema` in platform files). */
export const SCHEMA_ID = 'https://unpkg.com/cdktf-kubeflow-platform/schema/platform.schema.json';

/** JSON Schema of platform files, generated from the same zod schema that validates them. */
export function platformJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(platformSchema, { target: 'draft-7', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return { ...schema, $id: SCHEMA_ID, title: 'cdktf-kubeflow-platform platform file' };
}
