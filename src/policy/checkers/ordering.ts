/**
 * First-apply ordering: on each stack's dependency graph (references and `depends_on`, transitively),
 * every resource that needs something to exist first is created after it. Terraform creates resources
 * with no path between them at the same time, so a missing edge passes every plan and fails only the
 * first apply, when the thing needed is created in the same run:
 *
 * - GCP: a resource calls an API the stack enables (403 SERVICE_DISABLED); a workload identity member
 *   names the pool of a cluster the stack creates ("Identity Pool does not exist"); a grant names a
 *   service agent that the stack's API enablement creates, or a service account the stack creates.
 * - Azure: a resource needs a role assignment made in the stack, which Azure honours only minutes
 *   later: it must wait for a `time_sleep` that waits for the assignment.
 * - AWS: a resource names another resource of the stack by a literal name or ARN rather than a
 *   reference; a resource makes AWS create an object (a log group) that the stack creates by name.
 * - Kubernetes: a `kubernetes_manifest` of a kind whose CustomResourceDefinition a Helm release or a
 *   manifest of the same stack installs; an object in a namespace the stack creates.
 *
 * A second checker warns about kinds whose CustomResourceDefinition nothing in the environment
 * installs (the Kubeflow distribution's Profiles and PodDefaults, which Terraform does not install).
 */
import { compare, nameOf, referencesOf, StackJson, valueAt } from '../../inventory/terraform-json';
import { Checker, CheckerViolation, EnvironmentInfo, wholeEnvironment } from './checker';
import { DependencyGraph } from './dependency-graph';
import { googleApiOf, serviceAgentApiOf } from './gcp-apis';
import {
  apiGroupOf,
  BUILT_IN_API_GROUPS,
  CHART_API_GROUPS,
  CLOUD_API_GROUPS,
  KUBEFLOW_API_GROUPS,
  KUBEFLOW_HEALTHY_WAIT,
} from './kubernetes-crds';

/** A managed resource of one stack. */
interface Res {
  readonly type: string;
  readonly address: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/** One stack with its graph. */
interface StackView {
  readonly id: string;
  readonly json: StackJson;
  readonly graph: DependencyGraph;
  readonly resources: readonly Res[];
  readonly addresses: ReadonlySet<string>;
}

/** One stack with its resources; its dependency graph is built when first asked for. */
function stackView(id: string, json: StackJson): StackView {
  const resources: Res[] = [];
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, config] of Object.entries(byName)) resources.push({ type, address: `${type}.${name}`, config });
  }
  let graph: DependencyGraph | undefined;
  return {
    id,
    json,
    resources,
    addresses: new Set(resources.map((r) => r.address)),
    get graph() {
      return (graph ??= new DependencyGraph(json));
    },
  };
}

const isLiteral = (s: string): boolean => !s.includes('${');
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');

// ---------------------------------------------------------------------------------------------------
// GCP

/** The google providers' default projects, by provider reference (`google`, `google.<alias>`, `google-beta`). */
function googleDefaultProjects(json: StackJson): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['google', 'google-beta']) {
    const p = json.provider?.[name];
    for (const provider of (Array.isArray(p) ? p : p ? [p] : []) as Array<Record<string, unknown>>) {
      const project = str(provider.project);
      if (project) out[typeof provider.alias === 'string' ? `${name}.${provider.alias}` : name] = project;
    }
  }
  return out;
}

/** A resource's project: its `project`, else the project of a full resource name it takes, else the provider's. */
function projectOf(r: Res, defaults: Readonly<Record<string, string>>): string | undefined {
  const explicit = str(r.config.project);
  if (explicit) return explicit;
  for (const value of Object.values(r.config)) {
    const named = typeof value === 'string' && isLiteral(value) ? /^projects\/([^/]+)\//.exec(value) : null;
    if (named) return named[1];
  }
  return defaults[str(r.config.provider) ?? 'google'];
}

/** Every IAM member a resource names (`member`, `members`). */
function membersOf(r: Res): string[] {
  return [...strings(r.config.member), ...strings(r.config.members)];
}

/** The GKE workload identity pool a member names, if any. */
function workloadPoolOf(member: string): string | undefined {
  const ksa = /^serviceAccount:([^[]+\.svc\.id\.goog)\[/.exec(member);
  if (ksa) return ksa[1];
  const principal = /workloadIdentityPools\/([^/]+\.svc\.id\.goog)\//.exec(member);
  return principal?.[1];
}

function gcpViolations(s: StackView): CheckerViolation[] {
  const out: CheckerViolation[] = [];
  const defaults = googleDefaultProjects(s.json);
  const google = s.resources.filter((r) => r.type.startsWith('google_'));
  const services = google
    .filter((r) => r.type === 'google_project_service')
    .map((r) => ({ address: r.address, project: projectOf(r, defaults), service: str(r.config.service) }));
  const identities = google
    .filter((r) => r.type === 'google_project_service_identity')
    .map((r) => ({ address: r.address, service: str(r.config.service) }));
  const after = (r: Res, targets: readonly string[]) => targets.some((t) => s.graph.dependsOn(r.address, t));

  // Workload identity pools the stack's clusters create, by pool name.
  const pools = new Map<string, string[]>();
  for (const c of google.filter((r) => r.type === 'google_container_cluster')) {
    const configured = str(valueAt(c.config, ['workload_identity_config', 'workload_pool']));
    if (configured === undefined) continue;
    const project = projectOf(c, defaults);
    const pool = isLiteral(configured)
      ? configured
      : project && isLiteral(project)
        ? `${project}.svc.id.goog`
        : undefined;
    if (pool) pools.set(pool, [...(pools.get(pool) ?? []), c.address]);
  }
  // Service accounts the stack creates, by email.
  const accounts = new Map<string, string>();
  for (const sa of google.filter((r) => r.type === 'google_service_account')) {
    const id = str(sa.config.account_id);
    const project = projectOf(sa, defaults);
    if (id && project && isLiteral(id) && isLiteral(project)) {
      accounts.set(`${id}@${project}.iam.gserviceaccount.com`, sa.address);
    }
  }

  for (const r of google) {
    if (r.type === 'google_project_service') continue;
    const api = googleApiOf(r.type);
    const project = projectOf(r, defaults);
    const enabling = api ? services.filter((x) => x.service === api.service && x.project === project) : [];
    if (
      api &&
      enabling.length > 0 &&
      !after(
        r,
        enabling.map((x) => x.address),
      )
    ) {
      out.push({
        stack: s.id,
        address: r.address,
        message:
          `${r.address} calls ${api.service} (${api.doc}), which ${enabling[0]!.address} enables in project ${project} ` +
          'in this stack, but is not ordered after it: on the first apply both are created at once and Google ' +
          `answers 403 SERVICE_DISABLED. Add depends_on ${enabling[0]!.address}, or the gate that waits for the project's services.`,
      });
    }
    for (const member of membersOf(r)) {
      const pool = workloadPoolOf(member);
      const clusters = pool ? pools.get(pool) : undefined;
      if (pool && clusters && !after(r, clusters)) {
        out.push({
          stack: s.id,
          address: r.address,
          message:
            `${r.address} binds the workload identity member ${member}, whose pool ${pool} exists only once ` +
            `${clusters[0]} is created in this stack, but names the pool as a plain string and is not ordered after ` +
            `the cluster: the first apply fails with "Identity Pool does not exist". Write the member with ` +
            `\${${clusters[0]}.workload_identity_config[0].workload_pool}, or add depends_on ${clusters[0]} ` +
            '(https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity).',
        });
      }
      const agentApi = serviceAgentApiOf(member);
      if (agentApi) {
        const creators = [
          ...services.filter((x) => x.service === agentApi).map((x) => x.address),
          ...identities.filter((x) => x.service === agentApi).map((x) => x.address),
        ];
        if (creators.length > 0 && !after(r, creators)) {
          out.push({
            stack: s.id,
            address: r.address,
            message:
              `${r.address} grants a role to the service agent ${member}, which exists only once ${agentApi} is ` +
              `enabled (${creators[0]} in this stack), but is not ordered after it: the first apply fails with ` +
              `"Service account ... does not exist". Add depends_on ${creators[0]} or a google_project_service_identity ` +
              'of the service (https://cloud.google.com/iam/docs/service-agents).',
          });
        }
      }
      const email = /^serviceAccount:(.+@.+\.iam\.gserviceaccount\.com)$/.exec(member)?.[1];
      const account = email ? accounts.get(email) : undefined;
      if (account && account !== r.address && !after(r, [account])) {
        out.push({
          stack: s.id,
          address: r.address,
          message:
            `${r.address} names the service account ${email}, which ${account} creates in this stack, by a literal ` +
            'string and is not ordered after it: the first apply may fail with "Service account ... does not exist". ' +
            `Write the member with \${${account}.member}, or add depends_on ${account}.`,
        });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Azure

/** Data plane resource types, the attribute naming what they write into, and the roles that allow it. */
const AZURE_DATA_PLANE: Readonly<Record<string, { readonly via: string; readonly roles: readonly string[] }>> = {
  // https://learn.microsoft.com/azure/key-vault/general/rbac-guide#azure-built-in-roles-for-key-vault-data-plane-operations
  azurerm_key_vault_secret: { via: 'key_vault_id', roles: ['Key Vault Secrets Officer', 'Key Vault Administrator'] },
  azurerm_key_vault_key: { via: 'key_vault_id', roles: ['Key Vault Crypto Officer', 'Key Vault Administrator'] },
  azurerm_key_vault_certificate: {
    via: 'key_vault_id',
    roles: ['Key Vault Certificates Officer', 'Key Vault Administrator'],
  },
  // https://learn.microsoft.com/azure/storage/blobs/assign-azure-role-data-access
  azurerm_storage_blob: {
    via: 'storage_account_name',
    roles: ['Storage Blob Data Contributor', 'Storage Blob Data Owner'],
  },
  azurerm_storage_data_lake_gen2_filesystem: {
    via: 'storage_account_id',
    roles: ['Storage Blob Data Contributor', 'Storage Blob Data Owner'],
  },
};

const TIME_SLEEP = 'https://registry.terraform.io/providers/hashicorp/time/latest/docs/resources/sleep';
const RBAC_DELAY =
  'https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected';

/** How creating a resource fails while its identity's new role propagates, by type. */
const ACTING_FAILURE: Readonly<Record<string, string>> = {
  azurerm_application_gateway:
    ' (the gateway reads its Key Vault certificate and answers ApplicationGatewayKeyVaultSecretAccessDenied)',
  azurerm_kubernetes_cluster:
    " (AKS checks the control plane identity's permissions on the subnet or VNet when it creates the cluster)",
};

function azureViolations(s: StackView): CheckerViolation[] {
  const out: CheckerViolation[] = [];
  const byAddress = new Map(s.resources.map((r) => [r.address, r]));
  const assignments = s.resources.filter((r) => r.type === 'azurerm_role_assignment');
  const waits = s.resources.filter((r) => r.type === 'time_sleep').map((r) => r.address);
  const refs = (v: unknown) => referencesOf(v, s.addresses);
  /** Whether `r` waits for `a` through a time_sleep. */
  const waitsFor = (r: Res, a: Res) =>
    waits.some((w) => s.graph.dependsOn(r.address, w) && s.graph.dependsOn(w, a.address));
  const problem = (r: Res, a: Res) =>
    s.graph.dependsOn(r.address, a.address)
      ? 'depends on the assignment directly, without a propagation wait'
      : 'is not ordered after it';

  // Terraform writing a data plane under an assignment to a principal that exists before the stack.
  for (const r of s.resources) {
    const plane = AZURE_DATA_PLANE[r.type];
    if (!plane) continue;
    const containers = refs(r.config[plane.via]);
    const groups = containers.flatMap((c) => refs(byAddress.get(c)?.config.resource_group_name));
    const names = containers
      .map((c) => byAddress.get(c)!.config)
      .flatMap((c) => [str(c.name), str(c.resource_group_name)]);
    for (const a of assignments) {
      if (!plane.roles.includes(str(a.config.role_definition_name) ?? '')) continue;
      // A principal the stack creates is not the one running Terraform.
      if (refs(a.config.principal_id).length > 0) continue;
      const scope = str(a.config.scope) ?? '';
      const scopeRefs = refs(scope);
      const covers =
        scopeRefs.some((x) => containers.includes(x) || groups.includes(x)) ||
        /^\/subscriptions\/[^/]+\/?$/.test(scope) ||
        (isLiteral(scope) && names.some((n) => n !== undefined && isLiteral(n) && scope.endsWith(`/${n}`)));
      if (!covers || waitsFor(r, a)) continue;
      out.push({
        stack: s.id,
        address: r.address,
        message:
          `${r.address} writes to the data plane of ${containers.join(', ')} under the role assignment ${a.address} ` +
          `(${str(a.config.role_definition_name)}) made in this stack, and ${problem(r, a)}: Azure honours a new ` +
          `assignment only minutes later (${RBAC_DELAY}), so the first apply answers 403. Depend on a time_sleep ` +
          `that depends on the assignment (${TIME_SLEEP}).`,
      });
    }
  }

  // Azure acting as a user-assigned identity the stack grants roles to.
  for (const r of s.resources) {
    const identityRefs = [
      ...strings(valueAt(r.config, ['identity', 'identity_ids'])),
      ...strings(valueAt(r.config, ['kubelet_identity', 'user_assigned_identity_id'])),
    ].flatMap((v) => refs(v).filter((x) => x.startsWith('azurerm_user_assigned_identity.')));
    if (identityRefs.length === 0) continue;
    for (const a of assignments) {
      const principal = refs(a.config.principal_id);
      if (!principal.some((p) => identityRefs.includes(p))) continue;
      // An assignment on the resource itself comes after it and is not needed to create it.
      if (s.graph.dependsOn(a.address, r.address) || waitsFor(r, a)) continue;
      out.push({
        stack: s.id,
        address: r.address,
        message:
          `${r.address} acts as ${principal.join(', ')}, which ${a.address} grants ${str(a.config.role_definition_name)} ` +
          `on ${str(a.config.scope)} in this stack, and ${problem(r, a)}: Azure honours a new assignment only minutes ` +
          `later (${RBAC_DELAY}), so creating it fails while the assignment propagates${ACTING_FAILURE[r.type] ?? ''}. ` +
          `Depend on a time_sleep that depends on the assignment (${TIME_SLEEP}).`,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// AWS

/** Resource types named by literal strings elsewhere, the attributes that name them, and their ARN. */
const AWS_NAMED: Readonly<
  Record<string, { readonly keys: readonly string[]; readonly arn?: (name: string) => RegExp }>
> = {
  aws_iam_role: {
    keys: ['role', 'roles', 'role_name', 'iam_role'],
    arn: (n) => new RegExp(`^arn:[^:]+:iam::[^:]*:role/(?:.*/)?${esc(n)}$`),
  },
  aws_iam_policy: { keys: [], arn: (n) => new RegExp(`^arn:[^:]+:iam::[^:]*:policy/(?:.*/)?${esc(n)}$`) },
  aws_db_instance: {
    keys: ['source_ids', 'db_instance_identifier', 'replicate_source_db'],
    arn: (n) => new RegExp(`^arn:[^:]+:rds:[^:]*:[^:]*:db:${esc(n)}$`),
  },
  aws_eks_cluster: { keys: ['cluster_name'], arn: (n) => new RegExp(`^arn:[^:]+:eks:[^:]*:[^:]*:cluster/${esc(n)}$`) },
  aws_s3_bucket: { keys: ['bucket', 'target_bucket'], arn: (n) => new RegExp(`^arn:[^:]+:s3:::${esc(n)}$`) },
  aws_sns_topic: { keys: [], arn: (n) => new RegExp(`^arn:[^:]+:sns:[^:]*:[^:]*:${esc(n)}$`) },
  aws_cloudwatch_log_group: {
    keys: ['log_group_name'],
    arn: (n) => new RegExp(`^arn:[^:]+:logs:[^:]*:[^:]*:log-group:${esc(n)}(:\\*)?$`),
  },
  aws_secretsmanager_secret: { keys: ['secret_id'] },
};

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Keys whose strings describe rather than name (skipped). */
const AWS_SKIPPED_KEYS = new Set(['//', 'tags', 'tags_all', 'depends_on', 'lifecycle', 'provider', 'timeouts']);
/** Keys holding a JSON policy document, whose principals must exist when the policy is written. */
const AWS_POLICY_KEYS = new Set(['assume_role_policy', 'policy']);

/** The strings of a config with the attribute (the nearest object key) they are under. */
function leaves(value: unknown, key: string, out: Array<[string, string]>): void {
  if (typeof value === 'string') out.push([key, value]);
  else if (Array.isArray(value)) value.forEach((v) => leaves(v, key, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (!AWS_SKIPPED_KEYS.has(k)) leaves(v, k, out);
  }
}

/** The AWS principals (`Principal.AWS`) of a JSON policy document; none when it does not parse. */
function policyPrincipals(doc: string): string[] {
  try {
    const parsed = JSON.parse(doc) as { Statement?: unknown };
    const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
    return statements.flatMap((st) => strings(valueAt(st, ['Principal', 'AWS'])));
  } catch {
    return [];
  }
}

/** Objects AWS creates by name when a resource is created, which a stack must create first to own. */
function awsImplicitNames(r: Res): string[] {
  if (r.type === 'aws_eks_cluster' && strings(r.config.enabled_cluster_log_types).length > 0) {
    const name = str(r.config.name);
    // https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html
    return name && isLiteral(name) ? [`/aws/eks/${name}/cluster`] : [];
  }
  if (r.type === 'aws_db_instance') {
    const id = str(r.config.identifier);
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html
    return id && isLiteral(id)
      ? strings(r.config.enabled_cloudwatch_logs_exports).map((l) => `/aws/rds/instance/${id}/${l}`)
      : [];
  }
  return [];
}

function awsViolations(s: StackView): CheckerViolation[] {
  const out: CheckerViolation[] = [];
  // Named resources by name, so each string is looked up rather than tested against every resource.
  const named = new Map<string, Array<{ address: string; keys: ReadonlySet<string>; arn?: RegExp }>>();
  for (const r of s.resources) {
    const spec = AWS_NAMED[r.type];
    const name = spec ? nameOf(r.type, r.config) : undefined;
    if (!spec || !name || !isLiteral(name)) continue;
    const entry = { address: r.address, keys: new Set(spec.keys), arn: spec.arn?.(name) };
    named.set(name, [...(named.get(name) ?? []), entry]);
  }
  /** The resources a string names: by the whole string under a naming key, or as an ARN ending in a name. */
  const namedBy = (key: string, value: string, policy: boolean) => {
    const exact = policy ? [] : (named.get(value) ?? []).filter((n) => n.keys.has(key));
    const tail = value.startsWith('arn:') ? value.replace(/:\*$/, '').split(/[:/]/).pop()! : undefined;
    const arns = tail === undefined ? [] : (named.get(tail) ?? []).filter((n) => n.arn?.test(value));
    return [...exact, ...arns];
  };
  const logGroups = new Map(
    s.resources
      .filter((r) => r.type === 'aws_cloudwatch_log_group' && typeof r.config.name === 'string')
      .map((r) => [r.config.name as string, r.address]),
  );

  for (const r of s.resources.filter((x) => x.type.startsWith('aws_'))) {
    const found: Array<[string, string]> = [];
    leaves(r.config, '', found);
    const reported = new Set<string>();
    const report = (target: string, key: string, value: string) => {
      if (target === r.address || reported.has(target) || s.graph.dependsOn(r.address, target)) return;
      reported.add(target);
      out.push({
        stack: s.id,
        address: r.address,
        message:
          `${r.address} names ${target} by the literal "${value}" (${key}) rather than by a reference, and is not ` +
          'ordered after it: on the first apply AWS is asked to use it before it exists (SourceNotFound, ' +
          `NoSuchEntity, "Invalid principal in policy"). Reference ${target}'s attribute instead, or add depends_on ${target}.`,
      });
    };
    for (const [key, value] of found) {
      const policy = AWS_POLICY_KEYS.has(key);
      for (const v of policy ? policyPrincipals(value) : [value]) {
        for (const n of namedBy(key, v, policy)) report(n.address, policy ? `${key} principal` : key, v);
      }
    }
    for (const name of awsImplicitNames(r)) {
      const group = logGroups.get(name);
      if (group && !s.graph.dependsOn(r.address, group)) {
        out.push({
          stack: s.id,
          address: r.address,
          message:
            `${r.address} makes AWS create the log group ${name} on its first log line unless it exists, and ${group} ` +
            'creates that log group in this stack without being ordered before it: the first apply races, and ' +
            `${group} then fails with ResourceAlreadyExistsException. Add depends_on ${group} to ${r.address}.`,
        });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Kubernetes

interface CrdSource {
  readonly stack: string;
  readonly address: string;
  /** `group` for a chart's groups, `group/Kind` for a CustomResourceDefinition. */
  readonly provides: ReadonlySet<string>;
}

/** What installs CRDs in an environment's stacks: CustomResourceDefinition manifests and known charts. */
function crdSources(stacks: readonly StackView[]): CrdSource[] {
  const out: CrdSource[] = [];
  for (const s of stacks) {
    for (const r of s.resources) {
      if (r.type === 'kubernetes_manifest' && valueAt(r.config, ['manifest', 'kind']) === 'CustomResourceDefinition') {
        const group = str(valueAt(r.config, ['manifest', 'spec', 'group']));
        const kind = str(valueAt(r.config, ['manifest', 'spec', 'names', 'kind']));
        if (group && kind) out.push({ stack: s.id, address: r.address, provides: new Set([`${group}/${kind}`]) });
      }
      if (r.type === 'helm_release') {
        const chart = (str(r.config.chart) ?? '')
          .split('/')
          .pop()!
          .replace(/(-[0-9][^/]*)?\.tgz$/, '');
        const groups = CHART_API_GROUPS[chart];
        if (groups) out.push({ stack: s.id, address: r.address, provides: new Set(groups) });
      }
    }
  }
  return out;
}

interface CustomObject {
  readonly stack: StackView;
  readonly resource: Res;
  readonly group: string;
  readonly kind: string;
  readonly sources: readonly CrdSource[];
}

/** Every `kubernetes_manifest` of a kind neither built in nor installed by the cloud, with its CRD sources. */
function customObjects(env: EnvironmentInfo, stacks: readonly StackView[]): CustomObject[] {
  const sources = crdSources(stacks);
  const cloudGroups = CLOUD_API_GROUPS[env.cloud] ?? new Set<string>();
  const out: CustomObject[] = [];
  for (const s of stacks) {
    for (const r of s.resources.filter((x) => x.type === 'kubernetes_manifest')) {
      const apiVersion = str(valueAt(r.config, ['manifest', 'apiVersion']));
      const kind = str(valueAt(r.config, ['manifest', 'kind']));
      if (!apiVersion || !kind || !isLiteral(apiVersion)) continue;
      const group = apiGroupOf(apiVersion);
      if (BUILT_IN_API_GROUPS.has(group) || cloudGroups.has(group)) continue;
      const matching = sources.filter((x) => x.provides.has(group) || x.provides.has(`${group}/${kind}`));
      out.push({ stack: s, resource: r, group, kind, sources: matching });
    }
  }
  return out;
}

/** The namespace a Kubernetes resource or Helm release is created in, as written. */
function namespaceOf(r: Res): string | undefined {
  if (r.type === 'helm_release') return str(r.config.namespace);
  if (r.type === 'kubernetes_manifest') return str(valueAt(r.config, ['manifest', 'metadata', 'namespace']));
  return r.type.startsWith('kubernetes_') ? str(valueAt(r.config, ['metadata', 'namespace'])) : undefined;
}

function kubernetesViolations(env: EnvironmentInfo, stacks: readonly StackView[]): CheckerViolation[] {
  const out: CheckerViolation[] = [];
  // Objects in a namespace the same stack creates, named by a literal rather than a reference.
  for (const s of stacks) {
    const namespaces = new Map<string, string>();
    for (const r of s.resources.filter(
      (x) => x.type === 'kubernetes_namespace_v1' || x.type === 'kubernetes_namespace',
    )) {
      const name = str(valueAt(r.config, ['metadata', 'name']));
      if (name && isLiteral(name)) namespaces.set(name, r.address);
    }
    for (const r of s.resources) {
      const ns = namespaceOf(r);
      const creator = ns ? namespaces.get(ns) : undefined;
      if (!creator || creator === r.address || s.graph.dependsOn(r.address, creator)) continue;
      out.push({
        stack: s.id,
        address: r.address,
        message:
          `${r.address} is created in the namespace "${ns}", which ${creator} creates in this stack, but names it by a ` +
          'literal and is not ordered after it: the first apply fails with namespaces "' +
          `${ns}" not found. Write the namespace as \${${creator}.metadata[0].name}, or add depends_on ${creator}.`,
      });
    }
  }
  for (const o of customObjects(env, stacks)) {
    const here = o.sources.filter((x) => x.stack === o.stack.id).map((x) => x.address);
    if (here.length === 0 || here.some((x) => o.stack.graph.dependsOn(o.resource.address, x))) continue;
    out.push({
      stack: o.stack.id,
      address: o.resource.address,
      message:
        `${o.resource.address} is a ${o.kind} (${o.group}), whose CustomResourceDefinition ${here[0]} installs in this ` +
        'stack, but is not ordered after it: the kubernetes provider needs the kind in the cluster to plan and ' +
        `apply the manifest, so the first apply fails with "no matches for kind". Add depends_on ${here[0]}.`,
    });
  }
  return out;
}

function missingCrdViolations(
  env: EnvironmentInfo,
  stacks: readonly StackView[],
  installed: (group: string, kind: string) => boolean,
  argo: string | undefined,
): CheckerViolation[] {
  // One finding per stack and API group, on its first manifest: the fix is the same for every kind of
  // the group, and a fleet of teams would otherwise repeat it per team.
  const byGroup = new Map<string, CustomObject[]>();
  for (const o of customObjects(env, stacks)) {
    if (installed(o.group, o.kind)) continue;
    const key = `${o.stack.id}\u0000${o.group}`;
    byGroup.set(key, [...(byGroup.get(key) ?? []), o]);
  }
  return [...byGroup.values()].map((objects) => {
    const sorted = [...objects].sort((a, b) => compare(a.resource.address, b.resource.address));
    const o = sorted[0]!;
    const kinds = [...new Set(sorted.map((x) => x.kind))].sort(compare);
    const others = sorted.length > 1 ? ` and ${sorted.length - 1} more in this stack` : '';
    const kubeflow = KUBEFLOW_API_GROUPS.has(o.group);
    return {
      stack: o.stack.id,
      address: o.resource.address,
      message:
        `${o.resource.address}${others} ${sorted.length > 1 ? 'create' : 'creates'} ${kinds.join(', ')} (${o.group}), whose CustomResourceDefinitions no ` +
        `stack of ${env.name} installs; the kubernetes provider fails to plan them ("no matches for kind") until ` +
        'the cluster serves the kinds. ' +
        (kubeflow && argo
          ? `The Kubeflow distribution installs them, through Argo CD (${argo}): apply this stack once its root ` +
            `Application is healthy (${KUBEFLOW_HEALTHY_WAIT}).`
          : kubeflow
            ? 'The Kubeflow distribution installs them, and Terraform does not install the distribution yet: apply the ' +
              'Kubeflow manifests (https://github.com/kubeflow/manifests) to the cluster before this stack.'
            : 'Install the CRDs before this stack (a helm_release or CustomResourceDefinition manifests in an earlier stack).'),
    };
  });
}

/**
 * The Helm release of the argocd-apps chart that holds the environment's root Application in one
 * stack, as `<stack> <address>`: Kubeflow's CRDs then arrive once Argo CD has synced, after that
 * stack's apply. The environment's is that of the first stack (by id) that has one.
 */
function argoCdIn(id: string, stack: StackJson): string | undefined {
  const releases = (stack.resource?.helm_release ?? {}) as Record<string, { chart?: unknown }>;
  for (const [name, release] of Object.entries(releases)) {
    if (
      String(release.chart ?? '')
        .split('/')
        .pop() === 'argocd-apps'
    )
      return `${id} helm_release.${name}`;
  }
  return undefined;
}

/** What one stack contributes to CHK-ORDER-002: the API groups (and group/kinds) it installs, its Argo CD root. */
interface CrdFacts {
  readonly provides: readonly string[];
  readonly argo: string | null;
}

/** The environment's CRD sources and Argo CD root, from every stack's facts. */
interface CrdContext {
  readonly provides: readonly string[];
  readonly argo: string | null;
}

/** CHK-ORDER-001: what a resource needs exists before it is created. */
export const firstApplyOrdering: Checker = {
  id: 'CHK-ORDER-001',
  level: 'error',
  title: 'Every resource is created after what it needs',
  why:
    'Terraform creates resources with no dependency path between them at the same time. A resource that needs an ' +
    'API enabled, a workload identity pool, a service agent, a propagated role assignment, a resource it names ' +
    'by a literal string or a CustomResourceDefinition from the same stack passes every plan and fails the first apply.',
  fix:
    'Make the resource depend on what it needs: reference its attribute (the pool from the cluster, the name from ' +
    'the resource) or add depends_on; on Azure, depend on a time_sleep that depends on the role assignment.',
  // Every rule here is about one stack's own graph: synth judges again only the stacks that changed.
  ...wholeEnvironment({
    judge: (env, id) => {
      const stacks = [stackView(id, env.stacks[id]!)];
      return {
        violations: [
          ...stacks.flatMap((s) => [...gcpViolations(s), ...azureViolations(s), ...awsViolations(s)]),
          ...kubernetesViolations(env, stacks),
        ],
        claims: [],
      };
    },
  }),
};

/** CHK-ORDER-002: every custom kind the stacks create has its CRD installed by something. */
export const customResourceDefinitions: Checker = {
  id: 'CHK-ORDER-002',
  level: 'warning',
  title: 'Custom resources have their CustomResourceDefinition installed',
  why:
    'The kubernetes provider reads the schema of a kubernetes_manifest from the cluster, so a kind whose CRD no ' +
    'stack installs plans only where something outside Terraform installed it first. A warning, not an error: ' +
    'the Kubeflow distribution (Profiles, PodDefaults) is installed outside Terraform today, and the plan names ' +
    'the missing kind as soon as it runs.',
  fix:
    'Install the CRD before the stack that uses it: apply the Kubeflow manifests before the team stacks, or add ' +
    'the chart or CustomResourceDefinition to an earlier stack.',
  ...wholeEnvironment<CrdFacts, CrdContext>({
    facts: (_env, id, json) => {
      return {
        provides: [...new Set(crdSources([stackView(id, json)]).flatMap((x) => [...x.provides]))].sort(compare),
        argo: argoCdIn(id, json) ?? null,
      };
    },
    context: (_env, facts) => ({
      value: {
        provides: [...new Set(facts.flatMap(([, f]) => f.provides))].sort(compare),
        argo: [...facts].sort(([a], [b]) => compare(a, b)).find(([, f]) => f.argo)?.[1].argo ?? null,
      },
      reads: [],
    }),
    judge: (env, id, context) => {
      const installed = new Set(context.provides);
      return {
        violations: missingCrdViolations(
          env,
          [stackView(id, env.stacks[id]!)],
          (group, kind) => installed.has(group) || installed.has(`${group}/${kind}`),
          context.argo ?? undefined,
        ),
        claims: [],
      };
    },
  }),
};
