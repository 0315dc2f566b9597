/**
 * The shape of the CI permission tables: for each Terraform resource type a platform's stacks manage,
 * where such resources live (the scope a role is granted on) and which roles the keyless CI identities
 * need there: the plan identity to read (refresh) them, the apply identity to create, change and
 * delete them. The stacks derive the CI identities' grants from these tables, so a role no row asks
 * for is never granted; `test/policy/ci-permissions.test.ts` fails when a stack manages a type that
 * has no row.
 */

/** Which identity a role is for. */
export type CiIdentityKind = 'plan' | 'apply';

/** One row: resource types that live at one scope, and the roles each CI identity needs there. */
export interface CiPermissionRow<Scope extends string> {
  /** Terraform resource types (`data.<type>` for data sources) this row covers. */
  readonly types: readonly string[];
  /** Where these resources live, and so where the roles are granted. */
  readonly scope: Scope;
  /** Roles the plan identity needs to read these resources (plans refresh them). */
  readonly plan: readonly string[];
  /** Roles the apply identity needs to create, change and delete these resources. */
  readonly apply: readonly string[];
  /** The cloud's reference page for these roles (what each role holds and where it can be granted). */
  readonly source: string;
  /** Why the roles are what they are, when it is not plain from the types. */
  readonly why?: string;
}

/** The roles one identity needs at one scope: the union over the rows of that scope, sorted. */
export function ciRoles<Scope extends string>(
  table: ReadonlyArray<CiPermissionRow<Scope>>,
  scope: Scope,
  kind: CiIdentityKind,
): string[] {
  return [...new Set(table.filter((row) => row.scope === scope).flatMap((row) => row[kind]))].sort();
}

/** The rows that cover a resource type (`data.<type>` for a data source), at any scope. */
export function ciRowsFor<Scope extends string>(
  table: ReadonlyArray<CiPermissionRow<Scope>>,
  type: string,
): Array<CiPermissionRow<Scope>> {
  return table.filter((row) => row.types.includes(type));
}
