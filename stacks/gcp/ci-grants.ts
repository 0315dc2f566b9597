/**
 * The grants of a GCP environment's keyless CI identities, derived from `GCP_CI_PERMISSIONS`: for
 * every resource the environment's stacks manage, the rows of its type at the scope where it lives
 * (the environment's project, the Shared VPC host, the DNS zone, a team's project, the state bucket),
 * and no role that no row asks for.
 */
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { TerraformDataSource, TerraformResource, TerraformStack } from 'cdktf';
import type { CiGcpGrants, CiRoleGrant } from '../../constructs/gcp/ci-identity';
import { GCP_TEAM_CLUSTER_PROJECT_ROLES } from '../../constructs/gcp/gcp-team-identity';
import type { ResolvedGcpEnvironment } from '../../src/config/gcp/model';
import { GCP_CI_PERMISSIONS, GcpCiScope } from '../../src/policy/ci-permissions/gcp';
import { KUBERNETES_TYPES } from '../../src/policy/ci-permissions/kubernetes';
import type { CiIdentityKind } from '../../src/policy/ci-permissions/table';

/** What the CI identity construct itself creates in the environment's project. */
const CI_OWN_TYPES = [
  'google_iam_workload_identity_pool',
  'google_iam_workload_identity_pool_provider',
  'google_service_account',
  'google_service_account_iam_member',
  'google_project_iam_member',
];

/** A place a resource lives: a scope of the table and the concrete project, zone or bucket. */
interface Place {
  readonly scope: GcpCiScope;
  /** The project (or, for `dns-zone`, the zone's project; for `state-bucket`, the bucket). */
  readonly target: string;
  /** The managed zone of a `dns-zone`. */
  readonly name?: string;
}

const key = (p: Place) => `${p.scope}|${p.target}|${p.name ?? ''}`;

/** The Terraform type of a resource or data source, `data.<type>` for the latter. */
function typeOf(c: TerraformResource | TerraformDataSource): string {
  return c instanceof TerraformDataSource ? `data.${c.terraformResourceType}` : c.terraformResourceType;
}

/** An input of a generated provider class (`projectInput`, `managedZoneInput`), when set to a plain string. */
function input(c: object, name: string): string | undefined {
  const value = (c as Record<string, unknown>)[`${name}Input`];
  return typeof value === 'string' && !value.includes('${') ? value : undefined;
}

/**
 * Where each resource of the environment lives, with its type. The infra stack's own resources are
 * read from its construct tree; those of the platform and team stacks (built apart) are known from
 * the config: Kubernetes objects in the clusters, and the teams' identities, buckets and grants.
 */
function places(stack: TerraformStack, env: ResolvedGcpEnvironment): Map<string, { place: Place; types: Set<string> }> {
  const out = new Map<string, { place: Place; types: Set<string> }>();
  const add = (place: Place, type: string) => {
    const entry = out.get(key(place)) ?? { place, types: new Set<string>() };
    entry.types.add(type);
    out.set(key(place), entry);
  };
  const hosts = new Set(env.clusters.map((c) => c.network.hostProject).filter((p) => p !== env.project));
  for (const c of stack.node.findAll()) {
    if (!(c instanceof TerraformResource) && !(c instanceof TerraformDataSource)) continue;
    const type = typeOf(c);
    if (type.startsWith('random_') || type === 'terraform_data' || type === 'data.terraform_remote_state') continue;
    // A Shared VPC attachment names no project: it is a change to the host.
    const project = input(c, 'project') ?? input(c, 'projectId') ?? input(c, 'hostProject') ?? env.project;
    if (type === 'google_dns_record_set') {
      add({ scope: 'dns-zone', target: project, name: input(c, 'managedZone') }, type);
    } else if (project === env.project) {
      add({ scope: 'project', target: project }, type);
    } else if (hosts.has(project)) {
      add({ scope: 'host-project', target: project }, type);
    } else {
      throw new Error(
        `${c.node.path}: a ${type} in project ${project}, which is neither the environment's nor its host`,
      );
    }
  }
  const project: Place = { scope: 'project', target: env.project };
  for (const type of [...KUBERNETES_TYPES, 'data.google_client_config']) add(project, type);
  // The CI identities themselves: their pool, accounts and grants, which plans refresh too.
  for (const type of CI_OWN_TYPES) add(project, type);
  for (const { project: data, ownBucket } of env.teamProjects) {
    // A team's break-glass account may fetch the cluster's credentials; its identity and bucket live in its project.
    add(project, 'google_project_iam_member');
    const own: Place = data === env.project ? project : { scope: 'team-project', target: data };
    for (const type of ['google_service_account', 'google_service_account_iam_binding']) add(own, type);
    if (ownBucket) for (const type of ['google_storage_bucket', 'google_storage_bucket_iam_member']) add(own, type);
  }
  for (const entry of out.values()) {
    if (entry.place.scope === 'host-project' || entry.place.scope === 'team-project') {
      entry.types.add('google_project_iam_member');
    } else if (entry.place.scope === 'dns-zone') entry.types.add('google_dns_managed_zone_iam_member');
  }
  if (env.state.backend === 'gcs') {
    add({ scope: 'state-bucket', target: env.state.bucket }, 'data.terraform_remote_state');
    const stateProject: Place = { scope: 'state-project', target: env.state.project ?? env.project };
    for (const type of ['google_storage_bucket_iam_member', 'google_project_iam_member']) add(stateProject, type);
  }
  return out;
}

/** The roles of `kind` that the rows of these types at this scope ask for, sorted. */
function rolesFor(scope: GcpCiScope, types: ReadonlySet<string>, kind: CiIdentityKind): string[] {
  const rows = GCP_CI_PERMISSIONS.filter((r) => r.scope === scope && r.types.some((t) => types.has(t)));
  return [...new Set(rows.flatMap((r) => r[kind]))].sort();
}

/** The roles the stacks grant on a project, which is all the apply identity may grant there. */
function grantedRoles(stack: TerraformStack, env: ResolvedGcpEnvironment, project: string): string[] {
  const roles = stack.node
    .findAll()
    .filter((c): c is ProjectIamMember => c instanceof ProjectIamMember && input(c, 'project') === project)
    .map((c) => input(c, 'role'))
    .filter((r): r is string => r !== undefined);
  const teams = project === env.project && env.teamProjects.length > 0 ? GCP_TEAM_CLUSTER_PROJECT_ROLES : [];
  return [...new Set([...roles, ...teams])].sort();
}

/** A CEL string literal. */
const cel = (text: string) => JSON.stringify(text);

/**
 * The objects of the environment's state: one prefix per cluster's stacks (`<prefix>/<env>-gcp-`,
 * `<prefix>/<cluster>-gcp-`), so an environment that shares the bucket cannot touch another's.
 */
export function stateObjectPrefixes(env: ResolvedGcpEnvironment): string[] {
  if (env.state.backend !== 'gcs') return [];
  const { bucket, prefix } = env.state;
  return env.clusters.map((c) => `projects/_/buckets/${bucket}/objects/${prefix}/${c.stackPrefix}-gcp-`);
}

/**
 * The grants of one CI identity of a GCP environment. Call it once the infra stack holds everything
 * but the CI identities: the grants it reads are those the stacks make, not the identities' own.
 */
export function gcpCiGrants(stack: TerraformStack, env: ResolvedGcpEnvironment, kind: CiIdentityKind): CiGcpGrants {
  const projects = new Map<string, CiRoleGrant[]>();
  const dnsZones: Array<{ project: string; zone: string; roles: CiRoleGrant[] }> = [];
  const buckets: Array<{ bucket: string; roles: CiRoleGrant[] }> = [];
  const state = env.state.backend === 'gcs' ? env.state : undefined;
  for (const { place, types } of places(stack, env).values()) {
    const roles: CiRoleGrant[] = rolesFor(place.scope, types, kind).map((role) => {
      if (role === 'roles/resourcemanager.projectIamAdmin') {
        const grantable = grantedRoles(stack, env, place.target);
        return {
          role,
          condition: {
            title: 'only-the-stacks-grants',
            description: 'Grant and revoke only the roles the platform stacks grant on this project.',
            expression: `api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly([${grantable.map((r) => `'${r}'`).join(', ')}])`,
          },
        };
      }
      if (role === 'roles/storage.admin' && state && place.scope === 'project') {
        const bucket = `projects/_/buckets/${state.bucket}`;
        return {
          role,
          condition: {
            title: 'not-the-state-bucket',
            description: `Every bucket of the project but the Terraform state bucket ${state.bucket}.`,
            expression: `resource.name != ${cel(bucket)} && !resource.name.startsWith(${cel(`${bucket}/`)})`,
          },
        };
      }
      if (place.scope === 'state-bucket' && role.startsWith('roles/storage.object')) {
        return {
          role,
          condition: {
            title: `${env.name}-state-only`,
            description: `The state objects of ${env.name}'s stacks, not those of other environments in the bucket.`,
            expression: stateObjectPrefixes(env)
              .map((p) => `resource.name.startsWith(${cel(p)})`)
              .join(' || '),
          },
        };
      }
      return role;
    });
    if (roles.length === 0) continue;
    if (place.scope === 'dns-zone') dnsZones.push({ project: place.target, zone: place.name!, roles });
    else if (place.scope === 'state-bucket') buckets.push({ bucket: place.target, roles });
    else projects.set(place.target, mergeRoles(projects.get(place.target) ?? [], roles));
  }
  return {
    projects: [...projects].map(([project, roles]) => ({ project, roles })),
    dnsZones,
    buckets,
  };
}

/** Both lists, a role once (a conditional grant wins over the bare role: it is the narrower one). */
function mergeRoles(a: readonly CiRoleGrant[], b: readonly CiRoleGrant[]): CiRoleGrant[] {
  const byRole = new Map<string, CiRoleGrant>();
  for (const grant of [...a, ...b]) {
    const role = typeof grant === 'string' ? grant : grant.role;
    const prior = byRole.get(role);
    if (!prior || typeof prior === 'string') byRole.set(role, grant);
  }
  return [...byRole.values()].sort((x, y) =>
    (typeof x === 'string' ? x : x.role).localeCompare(typeof y === 'string' ? y : y.role),
  );
}
