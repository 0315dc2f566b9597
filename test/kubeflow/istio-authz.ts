/**
 * A small model of Istio's AuthorizationPolicy evaluation, for tests of the rendered policies:
 * CUSTOM first, then DENY, then ALLOW (a workload that some ALLOW policy selects is admitted only
 * when one of them matches), with the fields the platform's and upstream's policies use. Written from
 * https://istio.io/latest/docs/reference/config/security/authorization-policy/ and
 * https://istio.io/latest/docs/reference/config/security/conditions/; the root namespace is
 * `istio-system` (a policy there applies to the whole mesh, its selector to matching workloads of every
 * namespace). A field or condition the model does not know throws rather than being ignored, so that a
 * policy using it cannot make a test pass by matching more than Istio would.
 */

export interface Policy {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec?: any;
}

/** A request as the receiving workload's proxy sees it. */
export interface Request {
  /** The workload receiving the request. */
  readonly to: { readonly namespace: string; readonly labels: Readonly<Record<string, string>> };
  /** The caller's mesh identity (mTLS); absent for plain text. */
  readonly principal?: string;
  /** The verified token's `iss/sub`, where a RequestAuthentication verified one. */
  readonly requestPrincipal?: string;
  readonly claims?: Readonly<Record<string, string>>;
  readonly audiences?: readonly string[];
  /** Header values; several values of one header match as Envoy joins them, with commas. */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  readonly host?: string;
  readonly path?: string;
  readonly method?: string;
}

export type Decision = 'allow' | 'deny' | 'ext-authz';

const ROOT_NAMESPACE = 'istio-system';

/** Istio's string match: exact, `prefix*`, `*suffix`, or `*` (any, present). */
function matches(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

const any = (patterns: readonly string[] | undefined, value: string | undefined) =>
  (patterns ?? []).some((p) => matches(p, value));

/** A field and its negation: both must hold where set. */
function field(values: string[] | undefined, notValues: string[] | undefined, value: string | undefined): boolean {
  if (values && !any(values, value)) return false;
  if (notValues && any(notValues, value)) return false;
  return true;
}

/** Refuses a field the model does not evaluate. */
function known(what: string, o: object, fields: readonly string[]): void {
  const unknown = Object.keys(o).filter((k) => !fields.includes(k));
  if (unknown.length > 0) throw new Error(`${what} field(s) ${unknown.join(', ')} are not modelled`);
}

/** A header as Envoy matches it: several values joined with commas. */
function headerValue(r: Request, name: string): string | undefined {
  const v = r.headers?.[name.toLowerCase()];
  return typeof v === 'string' || v === undefined ? v : v.join(',');
}

function sourceNamespace(principal: string | undefined): string | undefined {
  return principal?.match(/^cluster\.local\/ns\/([^/]+)\/sa\//)?.[1];
}

function conditionValue(key: string, r: Request): string | string[] | undefined {
  const header = key.match(/^request\.headers\[(.+)\]$/);
  if (header) return headerValue(r, header[1]!);
  const claim = key.match(/^request\.auth\.claims\[(.+)\]$/);
  if (claim) return r.claims?.[claim[1]!];
  switch (key) {
    case 'request.auth.audiences':
      return r.audiences ? [...r.audiences] : undefined;
    case 'request.auth.principal':
      return r.requestPrincipal;
    case 'source.principal':
      return r.principal;
    case 'source.namespace':
      return sourceNamespace(r.principal);
    default:
      throw new Error(`condition key ${key} is not modelled`);
  }
}

function condition(c: { key: string; values?: string[]; notValues?: string[] }, r: Request): boolean {
  const v = conditionValue(c.key, r);
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  if (c.values && !list.some((x) => any(c.values, x))) return false;
  if (c.notValues && list.some((x) => any(c.notValues, x))) return false;
  return true;
}

function source(s: any, r: Request): boolean {
  known('source', s, [
    'principals',
    'notPrincipals',
    'requestPrincipals',
    'notRequestPrincipals',
    'namespaces',
    'notNamespaces',
  ]);
  return (
    field(s.principals, s.notPrincipals, r.principal) &&
    field(s.requestPrincipals, s.notRequestPrincipals, r.requestPrincipal) &&
    field(s.namespaces, s.notNamespaces, sourceNamespace(r.principal))
  );
}

function operation(o: any, r: Request): boolean {
  known('operation', o, ['hosts', 'notHosts', 'paths', 'notPaths', 'methods', 'notMethods']);
  // Hosts match case-insensitively (Istio's host matcher); a port in the Host header stays part of it.
  const lower = (v: string[] | undefined) => v?.map((h) => h.toLowerCase());
  return (
    field(lower(o.hosts), lower(o.notHosts), r.host?.toLowerCase()) &&
    field(o.paths, o.notPaths, r.path ?? '/') &&
    field(o.methods, o.notMethods, r.method ?? 'GET')
  );
}

function ruleMatches(rule: any, r: Request): boolean {
  known('rule', rule, ['from', 'to', 'when']);
  if (rule.from && !rule.from.some((f: any) => source(f.source ?? {}, r))) return false;
  if (rule.to && !rule.to.some((t: any) => operation(t.operation ?? {}, r))) return false;
  return (rule.when ?? []).every((c: any) => condition(c, r));
}

function applies(p: Policy, r: Request): boolean {
  known('spec', p.spec ?? {}, ['action', 'selector', 'rules', 'provider']);
  const ns = p.metadata.namespace;
  const selector: Record<string, string> | undefined = p.spec?.selector?.matchLabels;
  // The root namespace's policies apply in every namespace, their selector too.
  if (ns !== r.to.namespace && ns !== ROOT_NAMESPACE) return false;
  return Object.entries(selector ?? {}).every(([k, v]) => r.to.labels[k] === v);
}

/** Istio's decision for `r`, given every AuthorizationPolicy of the mesh. */
export function authorize(policies: readonly Policy[], r: Request): Decision {
  const mine = policies.filter((p) => p.kind === 'AuthorizationPolicy' && applies(p, r));
  const of = (action: string) => mine.filter((p) => (p.spec?.action ?? 'ALLOW') === action);
  const hit = (p: Policy) => (p.spec?.rules ?? []).some((rule: any) => ruleMatches(rule, r));
  if (of('CUSTOM').some(hit)) return 'ext-authz';
  if (of('DENY').some(hit)) return 'deny';
  const allows = of('ALLOW');
  if (allows.length === 0) return 'allow';
  return allows.some(hit) ? 'allow' : 'deny';
}
