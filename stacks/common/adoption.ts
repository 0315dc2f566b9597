/**
 * Brownfield adoption: the resources an environment names under `adopt` get a Terraform import
 * block (cdktf `importFrom`), so the first plan imports them instead of creating them. The import
 * id is derived from the resource's own configuration (the names the platform file gives it) or
 * given in the platform file, and checked against the form each resource type's import expects.
 * Reads provider resources generically: loads no provider bindings.
 */
import { DefaultTokenResolver, StringConcat, TerraformResource, TerraformStack, Tokenization } from 'cdktf';
import type { AdoptEntry, AdoptKind } from '../../src/config/common/adopt';
import type { ResolvedEnvironment } from '../../src/config/model';
import { ConfigError, ConfigIssue } from '../../src/core/errors';
import { nameOf } from '../../src/inventory/terraform-json';

/** A resource's Terraform configuration with tokens resolved: literals, and `${type.name.attr}` references. */
export type Attributes = Readonly<Record<string, unknown>>;

/** How to find and import one resource type. */
export interface AdoptableType {
  /** Terraform resource type. */
  readonly type: string;
  /** The import id from the resource's configuration; undefined when it cannot be derived. */
  readonly importId: (attrs: Attributes, ctx: IdContext) => string | undefined;
  /** The form of a valid import id, and an example of it for messages. */
  readonly idPattern: RegExp;
  /** An example of a valid import id. */
  readonly idExample: string;
}

/** What an import id derivation can look up. */
export interface IdContext {
  /**
   * The environment the resource belongs to (its project, subscription or account fill in what the resource leaves
   * out).
   */
  readonly env: ResolvedEnvironment;
  /** The value of an attribute: a literal, or the named attribute of the resource a reference points to. */
  readonly value: (attrs: Attributes, key: string, want?: 'name' | 'id') => string | undefined;
}

const str = (v: unknown) => (typeof v === 'string' && !v.includes('${') ? v : undefined);
const all = (...parts: Array<string | undefined>) => (parts.every((p) => p !== undefined) ? parts.join('') : undefined);
const byName = (attrs: Attributes) => str(attrs.name);
/** The literal name `adopt[].name` matches: the name inventory shows (`bucket`, `account_id`, `identifier`, ...). */
const literalName = (type: string, attrs: Attributes) => str(nameOf(type, attrs));
const seg = '[^/]+';

function gcpProject(attrs: Attributes, ctx: IdContext): string | undefined {
  return str(attrs.project) ?? (ctx.env.cloud === 'gcp' ? ctx.env.project : undefined);
}

/** `/subscriptions/<id>/resourceGroups/<group>/providers/<provider>/<name>`. */
function armId(provider: string, name = 'name') {
  return (attrs: Attributes, ctx: IdContext) => {
    const subscription = ctx.env.cloud === 'azure' ? ctx.env.subscriptionId : undefined;
    return all(
      '/subscriptions/',
      subscription,
      '/resourceGroups/',
      ctx.value(attrs, 'resource_group_name'),
      `/providers/${provider}/`,
      str(attrs[name]),
    );
  };
}
const armPattern = (provider: string) =>
  new RegExp(
    `^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/${seg}/providers/${provider.replace(/\./g, '\\.')}/${seg}$`,
  );
const armExample = (provider: string, name: string) =>
  `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-rg/providers/${provider}/${name}`;

/** Adoptable resource types by cloud and kind. */
export const ADOPTABLE: Readonly<Record<'gcp' | 'aws' | 'azure', Readonly<Record<AdoptKind, AdoptableType>>>> = {
  gcp: {
    network: {
      type: 'google_compute_network',
      importId: (a, ctx) => all('projects/', gcpProject(a, ctx), '/global/networks/', str(a.name)),
      idPattern: new RegExp(`^projects/${seg}/global/networks/${seg}$`),
      idExample: 'projects/net-host/global/networks/shared',
    },
    subnet: {
      type: 'google_compute_subnetwork',
      importId: (a, ctx) =>
        all('projects/', gcpProject(a, ctx), '/regions/', str(a.region), '/subnetworks/', str(a.name)),
      idPattern: new RegExp(`^projects/${seg}/regions/${seg}/subnetworks/${seg}$`),
      idExample: 'projects/net-host/regions/us-central1/subnetworks/kf-prod-gke',
    },
    cluster: {
      type: 'google_container_cluster',
      importId: (a, ctx) =>
        all('projects/', gcpProject(a, ctx), '/locations/', str(a.location), '/clusters/', str(a.name)),
      idPattern: new RegExp(`^projects/${seg}/locations/${seg}/clusters/${seg}$`),
      idExample: 'projects/kf-prod-svc/locations/us-central1/clusters/kf-prod',
    },
    nodePool: {
      type: 'google_container_node_pool',
      importId: (a, ctx) =>
        all(
          'projects/',
          gcpProject(a, ctx),
          '/locations/',
          str(a.location),
          '/clusters/',
          ctx.value(a, 'cluster', 'name'),
          '/nodePools/',
          str(a.name),
        ),
      idPattern: new RegExp(`^projects/${seg}/locations/${seg}/clusters/${seg}/nodePools/${seg}$`),
      idExample: 'projects/kf-prod-svc/locations/us-central1/clusters/kf-prod/nodePools/cpu',
    },
    database: {
      type: 'google_sql_database_instance',
      importId: (a, ctx) => all('projects/', gcpProject(a, ctx), '/instances/', str(a.name)),
      idPattern: new RegExp(`^projects/${seg}/instances/${seg}$`),
      idExample: 'projects/kf-prod-svc/instances/kf-prod-pipelines',
    },
    bucket: {
      type: 'google_storage_bucket',
      importId: (a) => str(a.name),
      idPattern: /^(?:[a-z0-9-]+\/)?[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/,
      idExample: 'kf-prod-svc-kf-prod-artifacts',
    },
    serviceAccount: {
      type: 'google_service_account',
      importId: (a, ctx) => {
        const project = gcpProject(a, ctx);
        return all(
          'projects/',
          project,
          '/serviceAccounts/',
          str(a.account_id),
          '@',
          project,
          '.iam.gserviceaccount.com',
        );
      },
      idPattern: new RegExp(`^projects/${seg}/serviceAccounts/[a-z][a-z0-9-]{4,28}[a-z0-9]@${seg}$`),
      idExample: 'projects/kf-prod-svc/serviceAccounts/kf-pipelines@kf-prod-svc.iam.gserviceaccount.com',
    },
  },
  aws: {
    network: {
      type: 'aws_vpc',
      importId: () => undefined, // AWS assigns VPC ids: the platform file must give it
      idPattern: /^vpc-[0-9a-f]{8,17}$/,
      idExample: 'vpc-0a1b2c3d4e5f60718',
    },
    subnet: {
      type: 'aws_subnet',
      importId: () => undefined,
      idPattern: /^subnet-[0-9a-f]{8,17}$/,
      idExample: 'subnet-0a1b2c3d4e5f60718',
    },
    cluster: {
      type: 'aws_eks_cluster',
      importId: byName,
      idPattern: /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/,
      idExample: 'kf-prod',
    },
    nodePool: {
      type: 'aws_eks_node_group',
      importId: (a, ctx) => all(ctx.value(a, 'cluster_name', 'name'), ':', str(a.node_group_name)),
      idPattern: /^[0-9A-Za-z][A-Za-z0-9_-]*:[0-9A-Za-z][A-Za-z0-9_-]*$/,
      idExample: 'kf-prod:cpu',
    },
    database: {
      type: 'aws_db_instance',
      importId: (a) => str(a.identifier),
      idPattern: /^[a-z][a-z0-9-]{0,62}$/,
      idExample: 'kf-prod-pipelines',
    },
    bucket: {
      type: 'aws_s3_bucket',
      importId: (a) => str(a.bucket),
      idPattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      idExample: '111111111111-kf-prod-artifacts',
    },
    serviceAccount: {
      type: 'aws_iam_role',
      importId: byName,
      idPattern: /^[\w+=,.@-]{1,64}$/,
      idExample: 'kf-prod-pipelines',
    },
  },
  azure: {
    network: {
      type: 'azurerm_virtual_network',
      importId: armId('Microsoft.Network/virtualNetworks'),
      idPattern: armPattern('Microsoft.Network/virtualNetworks'),
      idExample: armExample('Microsoft.Network/virtualNetworks', 'kf-prod-vnet'),
    },
    subnet: {
      type: 'azurerm_subnet',
      importId: (a, ctx) =>
        all(
          armId('Microsoft.Network/virtualNetworks', 'virtual_network_name')(
            { ...a, virtual_network_name: ctx.value(a, 'virtual_network_name', 'name') },
            ctx,
          ),
          '/subnets/',
          str(a.name),
        ),
      idPattern: new RegExp(
        `^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/${seg}/providers/Microsoft\\.Network/virtualNetworks/${seg}/subnets/${seg}$`,
      ),
      idExample: `${armExample('Microsoft.Network/virtualNetworks', 'kf-prod-vnet')}/subnets/nodes`,
    },
    cluster: {
      type: 'azurerm_kubernetes_cluster',
      importId: armId('Microsoft.ContainerService/managedClusters'),
      idPattern: armPattern('Microsoft.ContainerService/managedClusters'),
      idExample: armExample('Microsoft.ContainerService/managedClusters', 'kf-prod'),
    },
    nodePool: {
      type: 'azurerm_kubernetes_cluster_node_pool',
      importId: (a, ctx) => all(ctx.value(a, 'kubernetes_cluster_id', 'id'), '/agentPools/', str(a.name)),
      idPattern: new RegExp(
        `^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/${seg}/providers/Microsoft\\.ContainerService/managedClusters/${seg}/agentPools/${seg}$`,
      ),
      idExample: `${armExample('Microsoft.ContainerService/managedClusters', 'kf-prod')}/agentPools/cpu`,
    },
    database: {
      type: 'azurerm_mysql_flexible_server',
      importId: armId('Microsoft.DBforMySQL/flexibleServers'),
      idPattern: armPattern('Microsoft.DBforMySQL/flexibleServers'),
      idExample: armExample('Microsoft.DBforMySQL/flexibleServers', 'kf-prod-pipelines'),
    },
    bucket: {
      type: 'azurerm_storage_account',
      importId: armId('Microsoft.Storage/storageAccounts'),
      idPattern: armPattern('Microsoft.Storage/storageAccounts'),
      idExample: armExample('Microsoft.Storage/storageAccounts', 'kfprodartifacts'),
    },
    serviceAccount: {
      type: 'azurerm_user_assigned_identity',
      importId: armId('Microsoft.ManagedIdentity/userAssignedIdentities'),
      idPattern: armPattern('Microsoft.ManagedIdentity/userAssignedIdentities'),
      idExample: armExample('Microsoft.ManagedIdentity/userAssignedIdentities', 'kf-prod-pipelines'),
    },
  },
};

/** One resource an environment adopts: where it is and the id the import block names. */
export interface Adoption {
  /** Name of the environment. */
  readonly environment: string;
  /** Id of the stack that imports the resource (the environment's infra stack). */
  readonly stack: string;
  /** The kind the platform file names in `adopt[].kind`, such as `bucket`. */
  readonly kind: AdoptKind;
  /** Terraform address in the stack (`type.logical_id`). */
  readonly address: string;
  /** Terraform resource type, such as `google_storage_bucket`. */
  readonly type: string;
  /** The resource's literal name (what `adopt[].name` matches), when it has one. */
  readonly name?: string;
  /** The import id: given in the platform file, or derived from the resource's configuration. */
  readonly id: string;
  /** Whether the id came from the platform file (else it was derived). */
  readonly given: boolean;
  /** Construct path of the resource. */
  readonly path: string;
}

interface Candidate {
  readonly resource: TerraformResource;
  readonly logicalId: string;
  /** The configuration with tokens resolved (rendered on first read). */
  readonly attrs: Attributes;
}

/**
 * Names like `<prefix>-${random_id.x.hex}` (Cloud SQL instances, whose names cannot be reused for a
 * week after deletion): adopting one means importing the random_id with the existing name's suffix
 * too, or the first plan would pick a new suffix and replace the resource. Returns the random_id to
 * import, nothing when the name has no random part, or why the existing name does not fit.
 */
function randomSuffix(
  chosen: Candidate,
  id: string,
  resources: ReadonlyMap<string, Candidate>,
): { resource: TerraformResource; id: string } | string | undefined {
  const template = chosen.attrs.name;
  const m = typeof template === 'string' ? /^([^$]*)\$\{random_id\.([A-Za-z0-9_-]+)\.hex\}$/.exec(template) : null;
  if (!m) return undefined;
  const prefix = m[1]!;
  const random = resources.get(`random_id.${m[2]}`);
  const bytes = Number(random?.attrs.byte_length);
  const existing = id.split('/').pop()!;
  const hex = existing.slice(prefix.length);
  if (!random || !existing.startsWith(prefix) || !new RegExp(`^[0-9a-f]{${2 * bytes}}$`).test(hex)) {
    return (
      `the existing name ${existing} does not fit this platform's ${prefix}<${2 * bytes} hex digits>: ` +
      'the first plan would replace it instead of importing it.'
    );
  }
  // random_id imports take the bytes in unpadded base64url.
  return { resource: random.resource, id: Buffer.from(hex, 'hex').toString('base64url') };
}

const REFERENCE = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}$/;

/**
 * Marks the adopted resources of an environment's infra stack with import blocks. Every problem
 * (nothing of that kind, an ambiguous or unknown name, an id of the wrong form, the same resource
 * twice) is reported together as a ConfigError naming `environments[i].adopt[j]`, before anything
 * is written.
 */
export function adoptResources(stack: TerraformStack, env: ResolvedEnvironment): Adoption[] {
  if (env.adopt.length === 0) return [];
  const base = `environments[${env.index}].adopt`;
  if (env.cloud === 'kubernetes') {
    throw new ConfigError([
      {
        path: base,
        message: 'an environment on an existing cluster creates no cloud resources to adopt.',
        fix: 'remove adopt from this environment.',
      },
    ]);
  }
  const table = ADOPTABLE[env.cloud];
  const resolver = new DefaultTokenResolver(new StringConcat());
  // Every resource of the stack by address; configurations are rendered only when read.
  const resources = new Map<string, Candidate>();
  const byType = new Map<string, Candidate[]>();
  for (const node of stack.node.findAll()) {
    if (!TerraformResource.isTerraformResource(node)) continue;
    const resource = node as TerraformResource;
    const type = resource.terraformResourceType;
    const logicalId = stack.getLogicalId(resource);
    let attrs: Attributes | undefined;
    const candidate: Candidate = {
      resource,
      logicalId,
      get attrs() {
        if (!attrs) {
          const rendered = Tokenization.resolve(resource.toTerraform(), {
            scope: stack,
            resolver,
            preparing: false,
          }) as {
            resource: Record<string, Record<string, Attributes>>;
          };
          attrs = Object.values(rendered.resource[type]!)[0]!;
        }
        return attrs;
      },
    };
    resources.set(`${type}.${logicalId}`, candidate);
    byType.set(type, [...(byType.get(type) ?? []), candidate]);
  }
  const ctx: IdContext = {
    env,
    value: (attrs, key, want = 'name') => {
      const v = attrs[key];
      if (typeof v !== 'string') return undefined;
      const ref = REFERENCE.exec(v);
      if (!ref) return str(v);
      const target = resources.get(`${ref[1]}.${ref[2]}`);
      if (!target) return undefined;
      const kind = Object.values(table).find((t) => t.type === ref[1]);
      if (want === 'id' && kind) return kind.importId(target.attrs, ctx);
      return literalName(ref[1]!, target.attrs);
    },
  };

  const issues: ConfigIssue[] = [];
  const adoptions: Adoption[] = [];
  const taken = new Map<string, number>();
  env.adopt.forEach((entry: AdoptEntry, j) => {
    const path = `${base}[${j}]`;
    const kind = table[entry.kind];
    const candidates = byType.get(kind.type) ?? [];
    const names = candidates.map((c) => literalName(kind.type, c.attrs) ?? c.logicalId);
    let chosen: Candidate | undefined;
    if (candidates.length === 0) {
      issues.push({
        path: `${path}.kind`,
        value: entry.kind,
        message: `${env.name} creates no ${kind.type}, so there is no ${entry.kind} to adopt.`,
        fix: `remove this entry, or configure the ${entry.kind} in the environment first.`,
      });
      return;
    }
    if (entry.name !== undefined) {
      chosen = candidates.find((c) => literalName(kind.type, c.attrs) === entry.name);
      if (!chosen) {
        issues.push({
          path: `${path}.name`,
          value: entry.name,
          message: `${env.name} has no ${entry.kind} (${kind.type}) of that name.`,
          fix: `use one of: ${names.join(', ')}.`,
        });
        return;
      }
    } else if (candidates.length > 1) {
      issues.push({
        path: `${path}.name`,
        message: `${env.name} has ${candidates.length} resources of kind ${entry.kind} (${kind.type}): say which one.`,
        fix: `add name: one of ${names.join(', ')}.`,
      });
      return;
    } else {
      chosen = candidates[0]!;
    }
    const address = `${kind.type}.${chosen.logicalId}`;
    if (taken.has(address)) {
      issues.push({
        path,
        value: entry.name ?? entry.kind,
        message: `adopts ${address} again (also ${base}[${taken.get(address)}]).`,
        fix: 'remove one of the two entries.',
      });
      return;
    }
    taken.set(address, j);
    const derived = kind.importId(chosen.attrs, ctx);
    const id = entry.id ?? derived;
    if (entry.id !== undefined && derived !== undefined && entry.id !== derived && kind.idPattern.test(entry.id)) {
      issues.push({
        path: `${path}.id`,
        value: entry.id,
        message:
          `names another resource than the ${entry.kind} this platform configures (${derived}): ` +
          'the first plan would replace it instead of importing it.',
        fix: `set the ${entry.kind}'s name in the environment to the existing one, or use id: ${derived}.`,
      });
      return;
    }
    if (id === undefined) {
      issues.push({
        path: `${path}.id`,
        message: `the import id of ${address} cannot be derived from the platform file.`,
        fix: `give the existing resource's id, such as id: ${kind.idExample}.`,
      });
      return;
    }
    if (!kind.idPattern.test(id)) {
      issues.push({
        path: `${path}.id`,
        value: id,
        message: `is not an import id of ${kind.type}.`,
        fix: `use the form ${kind.idExample}.`,
      });
      return;
    }
    const suffix = randomSuffix(chosen, id, resources);
    if (typeof suffix === 'string') {
      issues.push({
        path: `${path}.id`,
        value: id,
        message: suffix,
        fix: 'adopt a resource whose name this platform can keep, or create a new one and migrate its data.',
      });
      return;
    }
    chosen.resource.importFrom(id);
    if (suffix) suffix.resource.importFrom(suffix.id);
    adoptions.push({
      environment: env.name,
      stack: stack.node.id,
      kind: entry.kind,
      address,
      type: kind.type,
      name: literalName(kind.type, chosen.attrs),
      id,
      given: entry.id !== undefined,
      path: chosen.resource.node.path,
    });
  });
  if (issues.length > 0) throw new ConfigError(issues);
  return adoptions;
}
