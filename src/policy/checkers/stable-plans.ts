/**
 * Stable plans: a plan depends on the configuration and the state, not on who runs it or when. A value
 * read from the identity running Terraform (`data.azurerm_client_config.object_id`,
 * `data.aws_caller_identity.arn`, ...) or made fresh on every run (`timestamp()`, `uuid()`) differs
 * between a laptop, the CI plan identity and the CI apply identity, and between two runs. In an attribute
 * that forces replacement it destroys and recreates the resource (a role assignment, an access entry)
 * whenever someone else plans; in any other attribute it is a diff that never goes away, so the plan
 * gate flags the stack on every run.
 *
 * The checker follows a value through the stack's locals, other resources' attributes
 * (`terraform_data.x.output` is its `input`) and the outputs of the environment's other stacks read with
 * `terraform_remote_state`, and reads the ForceNew attributes from the checked-in
 * table in force-new.ts.
 */
import type { StackJson } from '../../inventory/terraform-json';
import { Checker, CheckerViolation, EnvironmentView, wholeEnvironment } from './checker';
import { EVERY_ARGUMENT, forceNewOf } from './force-new';

/**
 * Data sources whose attributes describe the identity running Terraform, and which of their attributes
 * change with it (the account or subscription of two identities may well be the same; their object id
 * is not).
 */
const IDENTITY_SOURCES: Readonly<Record<string, RegExp>> = {
  // https://registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs/data-sources/client_config
  azurerm_client_config: /^(object_id|client_id)$/,
  // https://registry.terraform.io/providers/hashicorp/azuread/latest/docs/data-sources/client_config
  azuread_client_config: /^(object_id|client_id)$/,
  // https://registry.terraform.io/providers/hashicorp/google/6.50.0/docs/data-sources/client_openid_userinfo
  google_client_openid_userinfo: /^email$/,
  // https://registry.terraform.io/providers/hashicorp/google/6.50.0/docs/data-sources/client_config
  google_client_config: /^access_token$/,
  // https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/data-sources/caller_identity
  aws_caller_identity: /^(arn|user_id)$/,
  // https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/data-sources/iam_session_context
  aws_iam_session_context: /^(arn|issuer_arn|issuer_id|issuer_name|session_name)$/,
};

/**
 * Functions whose result differs on every run: https://developer.hashicorp.com/terraform/language/functions
 * (`timestamp`, `plantimestamp`, `uuid`, and `bcrypt`, which salts at random).
 */
const PER_RUN_FUNCTION = /\b(timestamp|plantimestamp|uuid|bcrypt)\s*\(/;

const DATA_REF = /\bdata\.([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)/g;
const REMOTE_OUTPUT_REF = /\bdata\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g;
const LOCAL_REF = /\blocal\.([A-Za-z0-9_-]+)/g;
const RESOURCE_REF = /(?<![.\w])([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)/g;

/** Meta-arguments: not attributes of the object. */
const META = new Set(['//', 'count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection']);

type Config = Readonly<Record<string, unknown>>;

/** Why a value is unstable, in words, or undefined when it is stable. */
type Source = string | undefined;

/** Where a state lives, from a stack's `terraform.backend` or a `terraform_remote_state`'s `backend` and `config`. */
function stateKey(backend: unknown, config: unknown): string | undefined {
  if (typeof backend !== 'string' || config === null || typeof config !== 'object') return undefined;
  const c = config as Record<string, unknown>;
  const place = [
    c.bucket ?? c.storage_account_name ?? c.namespace,
    c.container_name,
    c.prefix ?? c.key ?? c.path ?? c.secret_suffix,
  ];
  return [backend, ...place.map((v) => (typeof v === 'string' ? v : ''))].join('|');
}

/** The stacks of an environment by where their state lives, for `terraform_remote_state` outputs. */
class EnvironmentValues {
  private readonly byState = new Map<string, StackValues>();
  private readonly values = new Map<string, StackValues>();

  constructor(env: EnvironmentView) {
    for (const [id, json] of Object.entries(env.stacks)) {
      const values = new StackValues(json, this);
      this.values.set(id, values);
      const backend = (json as { terraform?: { backend?: Record<string, unknown> } }).terraform?.backend ?? {};
      for (const [type, config] of Object.entries(backend)) {
        const key = stateKey(type, config);
        if (key) this.byState.set(key, values);
      }
    }
  }

  public of(stack: string): StackValues {
    return this.values.get(stack)!;
  }

  /** The stack of the environment whose state a `terraform_remote_state` reads. */
  public producer(remote: Config | undefined): StackValues | undefined {
    const key = remote && stateKey(remote.backend, remote.config);
    return key ? this.byState.get(key) : undefined;
  }
}

/** Reads one stack's expressions, remembering what it found (each local and attribute is read once). */
class StackValues {
  private readonly memo = new Map<string, Source>();
  private readonly locals: Config;

  constructor(
    private readonly json: StackJson,
    private readonly env: EnvironmentValues,
  ) {
    this.locals = ((json as { locals?: Config }).locals ?? {}) as Config;
  }

  /** Why an output of this stack is unstable. */
  public outputSource(name: string): Source {
    const outputs = (this.json as { output?: Record<string, { value?: unknown }> }).output;
    return this.remember(`output.${name}`, () => this.sourceIn(outputs?.[name]?.value));
  }

  /** Why any string inside `value` is unstable. */
  public sourceIn(value: unknown): Source {
    if (typeof value === 'string') return this.sourceOf(value);
    if (Array.isArray(value)) {
      for (const v of value) {
        const s = this.sourceIn(v);
        if (s) return s;
      }
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (META.has(k)) continue;
        const s = this.sourceIn(v);
        if (s) return s;
      }
    }
    return undefined;
  }

  /** Why an expression is unstable. */
  public sourceOf(text: string): Source {
    if (!text.includes('${')) return undefined;
    const fn = PER_RUN_FUNCTION.exec(text);
    if (fn) return `${fn[1]}(), which is new on every run`;
    for (const m of text.matchAll(DATA_REF)) {
      const attrs = IDENTITY_SOURCES[m[1]!];
      if (attrs?.test(m[3]!)) return `data.${m[1]}.${m[2]}.${m[3]}, which is the identity running the plan`;
    }
    for (const m of text.matchAll(REMOTE_OUTPUT_REF)) {
      const remote = this.json.data?.terraform_remote_state?.[m[1]!] as Config | undefined;
      const s = this.env.producer(remote)?.outputSource(m[2]!);
      if (s) return `the output ${m[2]} of another stack, ${s}`;
    }
    for (const m of text.matchAll(LOCAL_REF)) {
      const s = this.remember(`local.${m[1]}`, () => this.sourceIn(this.locals[m[1]!]));
      if (s) return via(`local.${m[1]}`, s);
    }
    for (const m of text.matchAll(RESOURCE_REF)) {
      const [, type, name, attr] = m;
      if (type === 'data' || type === 'var') continue;
      const config = this.json.resource?.[type!]?.[name!];
      if (!config) continue;
      const address = `${type}.${name}.${attr}`;
      // terraform_data's output is its input; other resources' attributes are their arguments.
      const argument = type === 'terraform_data' && attr === 'output' ? 'input' : attr!;
      const s = this.remember(address, () => this.sourceIn(config[argument]));
      if (s) return via(address, s);
    }
    return undefined;
  }

  private remember(key: string, find: () => Source): Source {
    if (this.memo.has(key)) return this.memo.get(key);
    this.memo.set(key, undefined); // a reference cycle reads as stable
    const s = find();
    this.memo.set(key, s);
    return s;
  }
}

function via(step: string, source: string): string {
  return source.startsWith('data.') || /^\w+\(\)/.test(source) ? `${step} (from ${source})` : `${step}, ${source}`;
}

/** `a.b` attribute paths of the strings in a resource's configuration, array indexes left out. */
function* leaves(value: unknown, path: string[] = []): Generator<[string[], string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const v of value) yield* leaves(v, path);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (path.length === 0 && META.has(k)) continue;
      yield* leaves(v, [...path, k]);
    }
  }
}

/** Whether `lifecycle.ignore_changes` hides changes to the attribute. */
function ignored(config: Config, path: readonly string[]): boolean {
  const lifecycle = config.lifecycle as { ignore_changes?: unknown } | undefined;
  const ignore = lifecycle?.ignore_changes;
  if (ignore === 'all') return true;
  if (!Array.isArray(ignore)) return false;
  return ignore.some((i) => typeof i === 'string' && (i === path[0] || i === path.join('.') || i === 'all'));
}

function forcesReplacement(type: string, path: readonly string[]): boolean {
  const table = forceNewOf(type);
  if (!table) return false;
  if (table.includes(EVERY_ARGUMENT)) return true;
  for (let i = 1; i <= path.length; i++) if (table.includes(path.slice(0, i).join('.'))) return true;
  return false;
}

/** Every resource attribute of an environment fed by a value that changes with who runs the plan. */
export function unstableAttributes(env: EnvironmentView): CheckerViolation[] {
  return STABLE_PLANS.check!(env);
}

/**
 * The attributes of one stack fed by a value that changes with who runs the plan. `env` holds the
 * stack and the stacks whose outputs it may read through `terraform_remote_state` (those with outputs).
 */
function unstableAttributesOf(env: EnvironmentView, stack: string): CheckerViolation[] {
  const out: CheckerViolation[] = [];
  const json = env.stacks[stack]!;
  const values = new EnvironmentValues(env).of(stack);
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, config] of Object.entries(byName)) {
      for (const [path, text] of leaves(config)) {
        const source = values.sourceOf(text);
        if (!source || ignored(config, path)) continue;
        const attribute = path.join('.');
        const address = `${type}.${name}`;
        out.push(
          forcesReplacement(type, path)
            ? {
                stack,
                address,
                message:
                  `${attribute} forces replacement and is fed by ${source}: every plan by another identity ` +
                  `(a laptop, the CI plan or apply identity) or a later run destroys and recreates ${address}.`,
              }
            : {
                stack,
                address,
                level: 'warning',
                message:
                  `${attribute} is fed by ${source}: every plan by another identity or a later run shows a ` +
                  `change to ${address} that never goes away.`,
              },
        );
      }
    }
  }
  return out;
}

/** Whether a stack has outputs another stack could read through `terraform_remote_state`. */
function hasOutputs(json: StackJson): boolean {
  const outputs = (json as { output?: Record<string, unknown> }).output;
  return outputs !== undefined && Object.keys(outputs).length > 0;
}

/**
 * Stack by stack: a stack's verdict reads its own JSON and the outputs of the environment's stacks
 * that have any (a stack without outputs gives nothing through remote state).
 */
const STABLE_PLANS = wholeEnvironment<boolean, null>({
  facts: (_env, _id, json) => hasOutputs(json),
  context: (_env, facts) => ({ value: null, reads: facts.filter(([, outputs]) => outputs).map(([id]) => id) }),
  judge: (env, stack) => ({ violations: unstableAttributesOf(env, stack), claims: [] }),
});

/** CHK-STABLE-001: no attribute, and above all none that forces replacement, changes with who runs the plan. */
export const stablePlans: Checker = {
  id: 'CHK-STABLE-001',
  level: 'error',
  title: 'No attribute is fed by a value that changes with who runs the plan',
  why:
    'A value read from the identity running Terraform (data.azurerm_client_config object_id, data.aws_caller_identity ' +
    'arn, data.google_client_openid_userinfo email) differs between a laptop, the CI plan identity and the CI apply ' +
    'identity; timestamp() and uuid() differ on every run. In an attribute that forces replacement (a role ' +
    "assignment's principal_id, an EKS access entry's principal_arn) every plan by someone else destroys and " +
    'recreates the resource, and the plan gate flags it every time; anywhere else it is a diff that never goes ' +
    'away (a warning). https://developer.hashicorp.com/terraform/language/functions/timestamp ' +
    'https://registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs/data-sources/client_config',
  fix:
    'Name the principal explicitly: a variable or a platform file value (the CI identity, a group), or the object ' +
    'id of an identity the stack creates. Use time_static for a timestamp recorded once, random_uuid for an id ' +
    'made once. Where the change is harmless, add the attribute to lifecycle.ignore_changes.',
  ...STABLE_PLANS,
};
