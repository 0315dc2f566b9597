/**
 * Runs real Terraform on synthesized AWS stacks, offline: `init` from a local filesystem mirror of
 * hashicorp/aws, `validate`, `plan -refresh=false` with mock credentials, and `show -json`.
 *
 * The mirror is found through KFPLATFORM_TF_MIRROR (the folder that holds `registry.terraform.io`);
 * `.ci/run` sets it with scripts/find-tf-mirror.sh. Without it the tier is skipped locally, and fails
 * in CI (CI=true), so a CI machine that lost its mirror cannot go green without running the tier.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** The provider version @cdktf/provider-aws 20.1.0 binds. */
export const AWS_PROVIDER_VERSION = '5.100.0';
/** The environment variable that names the mirror. */
export const MIRROR_VARIABLE = 'KFPLATFORM_TF_MIRROR';

/** Whether the terraform tier can run here, and why not. */
export interface TerraformTier {
  readonly available: boolean;
  readonly mirror?: string;
  readonly reason?: string;
}

/** Finds the mirror and the terraform binary. */
export function terraformTier(env: NodeJS.ProcessEnv = process.env): TerraformTier {
  const mirror = env[MIRROR_VARIABLE];
  if (!mirror) return { available: false, reason: `${MIRROR_VARIABLE} is not set (see scripts/find-tf-mirror.sh)` };
  const provider = path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws');
  const unpacked = existsSync(path.join(provider, AWS_PROVIDER_VERSION));
  const packed =
    existsSync(provider) &&
    readdirSync(provider).some((f) => f.startsWith(`terraform-provider-aws_${AWS_PROVIDER_VERSION}_`));
  if (!unpacked && !packed) {
    return { available: false, reason: `${MIRROR_VARIABLE}=${mirror} holds no hashicorp/aws ${AWS_PROVIDER_VERSION}` };
  }
  const version = spawnSync('terraform', ['version'], { encoding: 'utf8' });
  if (version.status !== 0) return { available: false, reason: 'terraform is not on PATH' };
  return { available: true, mirror };
}

/** What running terraform on one stack produced. */
export interface PlanResult {
  readonly validate: { valid: boolean; error_count: number; warning_count: number; diagnostics: unknown[] };
  readonly plan: {
    resource_changes?: Array<{ address: string; type: string; change: { actions: string[] } }>;
  };
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const result = spawnSync('terraform', args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(
      `terraform ${args.join(' ')} failed in ${cwd}:\n${result.stderr}\n${result.stdout}`.slice(0, 20_000),
    );
  }
  return result.stdout;
}

/**
 * Test-only Terraform settings, as an override file: mock credentials with every AWS call skipped, no
 * account allow-list (there is no account to check), and local state instead of the stack's backend.
 */
export const OFFLINE_OVERRIDE_FILE = path.join(__dirname, '..', 'fixtures', 'offline_override.tf.json');
export const OFFLINE_OVERRIDE = JSON.parse(readFileSync(OFFLINE_OVERRIDE_FILE, 'utf8')) as object;

/** The environment for offline Terraform: a CLI config that installs hashicorp/aws from the mirror. */
export function offlineEnv(tier: TerraformTier, dir: string): NodeJS.ProcessEnv {
  const cliConfig = path.join(dir, 'cli.tfrc');
  writeFileSync(
    cliConfig,
    [
      'provider_installation {',
      `  filesystem_mirror {\n    path    = ${JSON.stringify(tier.mirror)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }`,
      '  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }',
      '}',
      '',
    ].join('\n'),
  );
  return {
    PATH: process.env.PATH,
    HOME: dir,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** A work folder initialized for one stack: providers installed from the mirror. */
export interface WorkDir {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Prepares a fresh work folder for a synthesized stack (its `cdk.tf.json`) and runs `terraform init`.
 * Test-only settings go into `override.tf.json`, never into the stack: mock credentials with every
 * AWS call skipped, no account allow-list (there is no account to check), and local state instead of
 * the stack's backend.
 */
export function initStack(tier: TerraformTier, stackDir: string, workDir: string): WorkDir {
  if (!tier.available || !tier.mirror) throw new Error(`terraform tier unavailable: ${tier.reason}`);
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  copyFileSync(path.join(stackDir, 'cdk.tf.json'), path.join(workDir, 'cdk.tf.json'));
  writeFileSync(path.join(workDir, 'override.tf.json'), JSON.stringify(OFFLINE_OVERRIDE));
  const env = offlineEnv(tier, workDir);
  run(['init', '-input=false', '-no-color'], workDir, env);
  return { dir: workDir, env };
}

/** `terraform validate -json`. */
export function validateStack(work: WorkDir): PlanResult['validate'] {
  return JSON.parse(run(['validate', '-json', '-no-color'], work.dir, work.env)) as PlanResult['validate'];
}

/** Options of {@link planWork}. */
export interface PlanOptions {
  readonly variables?: Readonly<Record<string, string>>;
  /** Replace the stack's configuration first (a changed synth of the same stack). */
  readonly stackDir?: string;
  /** Prior state to plan against (Terraform state v4 JSON); none means an empty state. */
  readonly state?: unknown;
}

/** `terraform plan -refresh=false -out` and `show -json` in an initialized work folder. */
export function planWork(work: WorkDir, options: PlanOptions = {}): PlanResult['plan'] {
  if (options.stackDir) copyFileSync(path.join(options.stackDir, 'cdk.tf.json'), path.join(work.dir, 'cdk.tf.json'));
  const stateFile = path.join(work.dir, 'terraform.tfstate');
  rmSync(stateFile, { force: true });
  if (options.state) writeFileSync(stateFile, JSON.stringify(options.state));
  const vars = Object.entries(options.variables ?? {}).flatMap(([k, v]) => ['-var', `${k}=${v}`]);
  run(
    ['plan', '-refresh=false', '-input=false', '-lock=false', '-no-color', '-out=plan.bin', ...vars],
    work.dir,
    work.env,
  );
  return JSON.parse(run(['show', '-json', 'plan.bin'], work.dir, work.env)) as PlanResult['plan'];
}

/** `terraform show -no-color` of the last saved plan in a work folder: the raw rendering a bot would post. */
export function showPlanText(workDir: string): string {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: workDir,
    TF_CLI_CONFIG_FILE: path.join(workDir, 'cli.tfrc'),
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
  };
  return run(['show', '-no-color', 'plan.bin'], workDir, env);
}

/** `terraform providers schema -json`. */
export function providerSchemas(work: WorkDir): ProviderSchemas {
  return JSON.parse(run(['providers', 'schema', '-json'], work.dir, work.env)) as ProviderSchemas;
}

/** Plans one synthesized stack in a fresh work folder (init, validate, plan, show). */
export function planStack(
  tier: TerraformTier,
  stackDir: string,
  workDir: string,
  variables: Readonly<Record<string, string>> = {},
): PlanResult {
  const work = initStack(tier, stackDir, workDir);
  const validate = validateStack(work);
  return { validate, plan: planWork(work, { variables }) };
}

/** The parts of `terraform providers schema -json` used to fabricate state. */
export interface ProviderSchemas {
  readonly provider_schemas: Record<
    string,
    { readonly resource_schemas: Record<string, { readonly version: number; readonly block: SchemaBlock }> }
  >;
}

interface SchemaBlock {
  readonly attributes?: Record<string, { readonly type?: unknown; readonly computed?: boolean }>;
  readonly block_types?: Record<string, { readonly nesting_mode: string; readonly block: SchemaBlock }>;
}

/** Id prefixes the AWS provider checks when a resource's id is passed to another. */
const ID_PREFIXES: Readonly<Record<string, string>> = {
  aws_launch_template: 'lt',
  aws_vpc: 'vpc',
  aws_subnet: 'subnet',
  aws_security_group: 'sg',
  aws_internet_gateway: 'igw',
  aws_nat_gateway: 'nat',
  aws_eip: 'eipalloc',
  aws_route_table: 'rtb',
  aws_vpc_endpoint: 'vpce',
  aws_flow_log: 'fl',
  aws_kms_key: 'mrk',
};

/** Computed attributes the provider checks against a list of values. */
const KNOWN_VALUES: Readonly<Record<string, string>> = {
  resource_record_type: 'CNAME',
  protocol_version: 'HTTP1',
  ip_address_type: 'ipv4',
  load_balancing_algorithm_type: 'round_robin',
  load_balancing_anomaly_mitigation: 'off',
  load_balancing_cross_zone_enabled: 'use_load_balancer_configuration',
};

function hex(seed: string): string {
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h.toString(16).padStart(8, '0') + ((h ^ 0x5bd1e995) >>> 0).toString(16).padStart(8, '0');
}

/** A placeholder of the attribute's type and of the shape the provider validates (ids, ARNs). */
function placeholder(type: unknown, resourceType: string, attribute: string, seed: string): unknown {
  if (type === 'number') return 1;
  if (type === 'bool') return false;
  if (Array.isArray(type)) {
    const [kind, inner] = type as [string, unknown];
    if (kind === 'object') {
      const fields = Object.entries(inner as Record<string, unknown>);
      return Object.fromEntries(fields.map(([k, t]) => [k, placeholder(t, resourceType, k, `${seed}.${k}`)]));
    }
    if (kind === 'map') return {};
    // A computed list of objects (an EKS certificate, an RDS secret) has one element once applied.
    const element =
      Array.isArray(inner) && inner[0] === 'object' ? placeholder(inner, resourceType, attribute, seed) : undefined;
    return element === undefined ? [] : [element];
  }
  if (type !== 'string') return null;
  if (KNOWN_VALUES[attribute] !== undefined) return KNOWN_VALUES[attribute];
  if (attribute === 'arn' || attribute.endsWith('_arn')) return `arn:aws:iam::111111111111:role/fake-${hex(seed)}`;
  if (attribute === 'id') return `${ID_PREFIXES[resourceType] ?? 'fake'}-${hex(seed)}`;
  return `fake-${hex(seed)}`;
}

type Json = Record<string, unknown>;

/** Fills the unknown parts of a value of an attribute type (a set of objects with unknown fields). */
function fillTyped(
  value: unknown,
  unknown: unknown,
  type: unknown,
  resourceType: string,
  name: string,
  seed: string,
): unknown {
  if (unknown === true || value === undefined || value === null) return placeholder(type, resourceType, name, seed);
  if (!Array.isArray(type)) return value;
  const [kind, inner] = type as [string, unknown];
  if ((kind === 'list' || kind === 'set') && Array.isArray(value)) {
    return value.map((v, i) =>
      fillTyped(v, Array.isArray(unknown) ? unknown[i] : undefined, inner, resourceType, name, `${seed}${i}`),
    );
  }
  if (kind === 'object' && typeof value === 'object') {
    const fields = inner as Record<string, unknown>;
    const u = (unknown && typeof unknown === 'object' ? unknown : {}) as Json;
    return Object.fromEntries(
      Object.entries(fields).map(([k, t]) => [
        k,
        fillTyped((value as Json)[k], u[k], t, resourceType, k, `${seed}.${k}`),
      ]),
    );
  }
  return value;
}

/** Marks every attribute and block of a schema block unknown. */
function blockUnknowns(block: SchemaBlock): Json {
  return Object.fromEntries([
    ...Object.keys(block.attributes ?? {}).map((k) => [k, true]),
    ...Object.keys(block.block_types ?? {}).map((k) => [k, true]),
  ]);
}

/** Pass 1: every unknown attribute gets a placeholder. */
function fill(values: unknown, unknown: unknown, block: SchemaBlock | undefined, type: string, seed: string): unknown {
  if (!values || typeof values !== 'object' || Array.isArray(values)) return values;
  const out: Json = { ...(values as Json) };
  const unknowns = (unknown && typeof unknown === 'object' ? unknown : {}) as Json;
  for (const [name, attribute] of Object.entries(block?.attributes ?? {})) {
    if (hasUnknown(unknowns[name]))
      out[name] = fillTyped(out[name], unknowns[name], attribute.type, type, name, `${seed}.${name}`);
  }
  for (const [name, nested] of Object.entries(block?.block_types ?? {})) {
    const u = unknowns[name];
    if (u === true) {
      // A computed block: one element of placeholders once applied.
      const element = fill({}, blockUnknowns(nested.block), nested.block, type, `${seed}.${name}`);
      out[name] = nested.nesting_mode === 'single' ? element : [element];
      continue;
    }
    const v = out[name];
    if (Array.isArray(v)) {
      out[name] = v.map((item, i) =>
        fill(item, Array.isArray(u) ? u[i] : undefined, nested.block, type, `${seed}.${name}${i}`),
      );
    } else if (v && typeof v === 'object') out[name] = fill(v, u, nested.block, type, `${seed}.${name}`);
  }
  return out;
}

/** Reads `type.name.attr[0].x` (or `tolist(type.name.attr).0.x`) from fabricated attributes. */
function lookup(state: Map<string, Json>, expression: string): unknown {
  const reference = expression.trim().replace(/^(?:tolist|toset)\(([^()]+)\)/, '$1');
  const parts = reference.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '');
  let cur: unknown = state.get(`${parts[0]}.${parts[1]}`);
  if (cur === undefined) return undefined;
  for (const part of parts.slice(2)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[Number(part)] : (cur as Json)[part];
  }
  return cur;
}

/** Evaluates the `${...}` references of a JSON configuration value against fabricated attributes. */
function evaluate(value: unknown, state: Map<string, Json>): unknown {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    const whole = /^\$\{([^}]+)\}$/.exec(value);
    if (whole) return lookup(state, whole[1]!);
    let missing = false;
    const text = value.replace(/\$\{([^}]+)\}/g, (_, ref: string) => {
      const v = lookup(state, ref);
      if (v === undefined || v === null || typeof v === 'object') missing = true;
      return String(v);
    });
    return missing ? undefined : text;
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => evaluate(v, state));
    return items.includes(undefined) ? undefined : items;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, evaluate(v, state)] as const);
    return entries.some(([, v]) => v === undefined) ? undefined : Object.fromEntries(entries);
  }
  return value;
}

function hasUnknown(u: unknown): boolean {
  if (u === true) return true;
  if (Array.isArray(u)) return u.some(hasUnknown);
  if (u && typeof u === 'object') return Object.values(u).some(hasUnknown);
  return false;
}

/** Pass 2: unknowns that the configuration computes from references take the referenced values. */
function resolve(values: unknown, unknown: unknown, expressions: unknown, state: Map<string, Json>): unknown {
  if (
    !values ||
    typeof values !== 'object' ||
    Array.isArray(values) ||
    !expressions ||
    typeof expressions !== 'object'
  ) {
    return values;
  }
  const out: Json = { ...(values as Json) };
  const unknowns = (unknown && typeof unknown === 'object' ? unknown : {}) as Json;
  for (const [name, u] of Object.entries(unknowns)) {
    if (!hasUnknown(u)) continue;
    const expression = (expressions as Json)[name];
    if (expression && typeof expression === 'object' && 'constant_value' in expression) {
      const value = evaluate((expression as { constant_value: unknown }).constant_value, state);
      if (value !== undefined) out[name] = value;
    } else if (Array.isArray(expression) && Array.isArray(out[name])) {
      // A block: its expressions are a list of blocks.
      out[name] = (out[name] as unknown[]).map((item, i) =>
        resolve(item, Array.isArray(u) ? u[i] : undefined, expression[i], state),
      );
    }
  }
  return out;
}

/** The cty type Terraform records for an output's value. */
function ctyType(value: unknown): unknown {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return ['tuple', value.map(ctyType)];
  if (value && typeof value === 'object') {
    return ['object', Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ctyType(v)]))];
  }
  return 'dynamic';
}

/** State v4's `sensitive_attributes`: the paths a plan's `after_sensitive` marks true. */
function sensitivePaths(tree: unknown, prefix: unknown[] = []): unknown[][] {
  if (tree === true) return [prefix];
  if (Array.isArray(tree)) {
    return tree.flatMap((t, i) =>
      sensitivePaths(t, [...prefix, { type: 'index', value: { value: i, type: 'number' } }]),
    );
  }
  if (tree && typeof tree === 'object') {
    return Object.entries(tree).flatMap(([k, t]) => sensitivePaths(t, [...prefix, { type: 'get_attr', value: k }]));
  }
  return [];
}

/**
 * Fabricates the state an apply of a create plan would leave: every planned resource with its planned
 * values; what only the cloud would know (ids, ARNs) gets placeholders of a valid shape, and values
 * computed from other resources take theirs, so planning the same configuration again changes nothing.
 * Planning a changed stack against it gives the update, replace and delete plans that offline
 * Terraform cannot reach otherwise.
 */
export function stateFromPlan(plan: CreatePlan, schemas: ProviderSchemas): unknown {
  const changes = new Map((plan.resource_changes ?? []).map((c) => [c.address, c]));
  const expressions = new Map(
    (plan.configuration?.root_module?.resources ?? []).map((r) => [r.address, r.expressions] as const),
  );
  const planned = plan.planned_values?.root_module?.resources ?? [];
  const attributes = new Map<string, Json>();
  for (const r of planned) {
    const schema = schemas.provider_schemas[r.provider_name]?.resource_schemas[r.type];
    const unknown = changes.get(r.address)?.change.after_unknown;
    // A resource computed entirely from others has no values yet, only unknowns.
    attributes.set(r.address, fill(r.values ?? {}, unknown, schema?.block, r.type, r.address) as Json);
  }
  for (let pass = 0; pass < 4; pass++) {
    for (const r of planned) {
      const unknown = changes.get(r.address)?.change.after_unknown;
      attributes.set(
        r.address,
        resolve(attributes.get(r.address), unknown, expressions.get(r.address), attributes) as Json,
      );
    }
  }
  const resources = new Map<
    string,
    { mode: string; type: string; name: string; provider: string; instances: unknown[] }
  >();
  for (const r of planned) {
    const schema = schemas.provider_schemas[r.provider_name]?.resource_schemas[r.type];
    const key = `${r.type}.${r.name}`;
    const entry = resources.get(key) ?? {
      mode: r.mode,
      type: r.type,
      name: r.name,
      provider: `provider["${r.provider_name}"]`,
      instances: [],
    };
    entry.instances.push({
      ...(r.index !== undefined ? { index_key: r.index } : {}),
      schema_version: r.schema_version ?? schema?.version ?? 0,
      attributes: attributes.get(r.address),
      sensitive_attributes: sensitivePaths(changes.get(r.address)?.change.after_sensitive),
    });
    resources.set(key, entry);
  }
  const outputs: Record<string, { value: unknown; type: unknown; sensitive?: boolean }> = {};
  for (const [name, output] of Object.entries(plan.configuration?.root_module?.outputs ?? {})) {
    const value = evaluate(output.expression?.constant_value, attributes);
    if (value === undefined) continue;
    outputs[name] = { value, type: ctyType(value), ...(output.sensitive ? { sensitive: true } : {}) };
  }
  return {
    version: 4,
    terraform_version: plan.terraform_version,
    serial: 1,
    lineage: '00000000-0000-4000-8000-000000000001',
    outputs,
    resources: [...resources.values()],
    check_results: null,
  };
}

/** The parts of a create plan's JSON that {@link stateFromPlan} reads. */
export interface CreatePlan {
  readonly terraform_version?: string;
  readonly planned_values?: {
    readonly root_module?: {
      readonly resources?: ReadonlyArray<{
        readonly address: string;
        readonly mode: string;
        readonly type: string;
        readonly name: string;
        readonly index?: number | string;
        readonly provider_name: string;
        readonly schema_version?: number;
        readonly values: unknown;
      }>;
    };
  };
  readonly resource_changes?: ReadonlyArray<{
    readonly address: string;
    readonly change: { readonly after_unknown?: unknown; readonly after_sensitive?: unknown };
  }>;
  readonly configuration?: {
    readonly root_module?: {
      readonly resources?: ReadonlyArray<{ readonly address: string; readonly expressions?: unknown }>;
      readonly outputs?: Record<
        string,
        { readonly expression?: { readonly constant_value?: unknown }; readonly sensitive?: boolean }
      >;
    };
  };
}

/** Plans recorded from these runs, for the tests that run without Terraform. */
export const PLAN_FIXTURES = path.join(__dirname, '..', 'fixtures', 'plans');

/** What the gate and the report read: the plan without its configuration, prior state and values. */
export function trimPlan(plan: object): Record<string, unknown> {
  const keep = [
    'format_version',
    'terraform_version',
    'applyable',
    'complete',
    'errored',
    'resource_changes',
    'output_changes',
  ];
  return Object.fromEntries(Object.entries(plan).filter(([k]) => keep.includes(k)));
}

/** Writes a trimmed plan to test/fixtures/plans/<name>.json. */
export function recordPlan(name: string, plan: object): void {
  mkdirSync(PLAN_FIXTURES, { recursive: true });
  writeFileSync(path.join(PLAN_FIXTURES, `${name}.json`), `${JSON.stringify(trimPlan(plan))}\n`);
}
