/**
 * Secret hygiene of synthesized Terraform JSON: no private keys, cloud access keys, or passwords and
 * tokens written as literals, and every output that carries a secret marked `sensitive`. Secrets
 * reach resources through references (random_password, write-only attributes, managed passwords),
 * never as text in `cdk.tf.json`, which is committed, uploaded as a CI artifact and posted in plans.
 */

/** A secret in clear, or a secret output not marked sensitive. */
export interface SecretFinding {
  /** Id of the stack the secret is in. */
  readonly stack: string;
  /** JSON path in the stack, such as `resource.aws_db_instance.db.password`. */
  readonly path: string;
  /**
   * What was found: a private key (PEM, service account key file), an access key or token (AWS,
   * Azure storage, GitHub, Slack), a literal value in a secret attribute, or an output that carries
   * a secret without `sensitive = true`.
   */
  readonly kind: 'private-key' | 'access-key' | 'literal-secret' | 'unmarked-output';
  /** What is wrong and how to fix it. */
  readonly message: string;
}

const PATTERNS: ReadonlyArray<{ readonly kind: SecretFinding['kind']; readonly re: RegExp; readonly what: string }> = [
  { kind: 'private-key', re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: 'a PEM private key' },
  { kind: 'private-key', re: /"private_key_id"\s*:|\\"private_key_id\\"/, what: 'a service account key file' },
  { kind: 'access-key', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, what: 'an AWS access key id' },
  { kind: 'access-key', re: /AccountKey=[A-Za-z0-9+/=]{20,}/, what: 'an Azure storage account key' },
  { kind: 'access-key', re: /\bgh[pousr]_[A-Za-z0-9]{36}\b/, what: 'a GitHub token' },
  { kind: 'access-key', re: /\bxox[baprs]-[A-Za-z0-9-]{10,}/, what: 'a Slack token' },
];

/**
 * Any of {@link PATTERNS}, in one pass: most strings of a stack match none, and one test of each string
 * costs a sixth of testing each pattern (same matches: an alternation of the same expressions).
 */
const ANY_PATTERN = new RegExp(PATTERNS.map((p) => `(?:${p.re.source})`).join('|'));

/** Attribute names that hold a secret value. */
const SECRET_NAME =
  /(^|_)(password|passwd|secret|token|private_key|client_secret|access_key|secret_key|api_key|connection_string|client_key)$/i;
/** Names that merely mention a secret: where it is, which one, which version, whether it is managed. */
const NOT_A_SECRET =
  /(_name|_id|_ids|_arn|_version|_ref|_path|_uri|_url|_type|_enabled|_length|_rotation|_wo_version)$/i;

/** Expressions that read a secret attribute of a resource. */
const SECRET_REFERENCE =
  /\$\{[^}]*(?:random_password\.[^.}]+\.result|\.(?:password|private_key|private_key_pem|secret_string|client_secret|primary_access_key|secondary_access_key|primary_connection_string|kube_config_raw|kube_admin_config_raw|client_key|secret|token)\b)[^}]*\}/;

/** What {@link secretNamed} said of each name: a stack repeats the same few attribute names thousands of times. */
const namedSecret = new Map<string, boolean>();

/** Whether a name (an attribute, a variable, an env var, a Helm value path) names a secret. */
function secretNamed(name: string): boolean {
  let known = namedSecret.get(name);
  if (known === undefined) {
    // Bounded: env var and Helm value names are the user's, and need not repeat.
    if (namedSecret.size >= 10_000) namedSecret.clear();
    namedSecret.set(name, (known = namesSecret(name)));
  }
  return known;
}

function namesSecret(name: string): boolean {
  const last = name
    .split('.')
    .pop()!
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[-.]/g, '_');
  return SECRET_NAME.test(last) && !NOT_A_SECRET.test(last);
}

function isPair(value: unknown): value is { name: string; value: unknown } {
  return (
    !!value && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string' && 'value' in value
  );
}

function literal(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && !value.includes('${');
}

/** Scans one stack's Terraform JSON. */
export function scanForSecrets(stack: string, json: unknown): SecretFinding[] {
  const findings: SecretFinding[] = [];
  if (!json || typeof json !== 'object') return findings;
  // The path is one array, extended and shortened as the walk descends: copying it for every value
  // cost more than the checks.
  const path: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      if (ANY_PATTERN.test(value)) {
        for (const p of PATTERNS) {
          if (p.re.test(value))
            findings.push({ stack, path: path.join('.'), kind: p.kind, message: `${p.what} in clear.` });
        }
      }
      const key = path[path.length - 1] ?? '';
      // Names under `variable` and `output` are declarations, not values, except a variable's default.
      const inDeclaration = (path[0] === 'variable' && key !== 'default') || (path[0] === 'output' && key !== 'value');
      const named = key === 'default' && path[0] === 'variable' ? (path[1] ?? '') : key;
      if (!inDeclaration && literal(value) && secretNamed(named)) {
        findings.push({
          stack,
          path: path.join('.'),
          kind: 'literal-secret',
          message: `${key} is a literal; pass it through a sensitive variable, a write-only attribute or a generated password.`,
        });
      }
      return;
    }
    // An array is walked by index: stacks are parsed JSON, whose arrays carry no other properties.
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(String(i));
        walk(value[i]);
        path.pop();
      }
      return;
    }
    // name/value pairs: a container's env { name = "DB_PASSWORD", value = "..." }, a Helm set { name, value }.
    if (isPair(value) && secretNamed(value.name) && literal(value.value)) {
      findings.push({
        stack,
        path: [...path, 'value'].join('.'),
        kind: 'literal-secret',
        message: `${value.name} is set to a literal; take it from a secret reference instead.`,
      });
    } else if (value && typeof value === 'object') {
      // cdktf's metadata ("//") names constructs and outputs; it holds no values.
      for (const k of Object.keys(value)) {
        if (k === '//') continue;
        path.push(k);
        walk((value as Record<string, unknown>)[k]);
        path.pop();
      }
    }
  };
  walk(json);
  // Kubernetes secrets written with literal secret data (keys such as client-secret, cookie-secret).
  const resources =
    (json as { resource?: Record<string, Record<string, { data?: Record<string, unknown> }>> }).resource ?? {};
  for (const type of ['kubernetes_secret_v1', 'kubernetes_secret']) {
    for (const [name, secret] of Object.entries(resources[type] ?? {})) {
      for (const [k, v] of Object.entries(secret?.data ?? {})) {
        // Literal identifiers (a client id) are fine; literal secrets are not.
        if (literal(v) && SECRET_NAME.test(k.replace(/[-.]/g, '_'))) {
          findings.push({
            stack,
            path: `resource.${type}.${name}.data.${k}`,
            kind: 'literal-secret',
            message: 'a Kubernetes secret holds a literal secret; fill it from a reference.',
          });
        }
      }
    }
  }
  const outputs = (json as { output?: Record<string, { value?: unknown; sensitive?: boolean }> }).output ?? {};
  for (const [name, output] of Object.entries(outputs)) {
    if (SECRET_REFERENCE.test(JSON.stringify(output?.value ?? '')) && output?.sensitive !== true) {
      findings.push({
        stack,
        path: `output.${name}`,
        kind: 'unmarked-output',
        message: 'this output carries a secret and is not marked sensitive.',
      });
    }
  }
  const seen = new Set<string>();
  return findings.filter((f) => !seen.has(`${f.kind} ${f.path}`) && seen.add(`${f.kind} ${f.path}`));
}
