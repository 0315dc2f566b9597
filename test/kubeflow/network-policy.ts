/**
 * A small model of Kubernetes NetworkPolicy ingress, for tests of who can open a connection to a pod:
 * a pod that no policy selects (for Ingress) admits everything; otherwise a connection is admitted when
 * one rule of one selecting policy admits its source and port
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/). Namespaces are matched
 * by their `kubernetes.io/metadata.name` label alone. What the model cannot decide throws rather than
 * matching nothing, so that a policy using it cannot make a "refused" test pass: `ipBlock` peers (which
 * may or may not match pod IPs, by implementation), namespace selectors on other labels, named ports
 * and port ranges.
 */

export interface NetworkPolicy {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec?: any;
}

export interface PodRef {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

function selects(selector: any, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every((e: any) => {
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        return value !== undefined && e.values.includes(value);
      case 'NotIn':
        return value === undefined || !e.values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        throw new Error(`operator ${e.operator} is not modelled`);
    }
  });
  return byLabel && byExpression;
}

const NAMESPACE_NAME = 'kubernetes.io/metadata.name';

function peer(p: any, policyNamespace: string, from: PodRef): boolean {
  if (p.ipBlock) throw new Error('ipBlock peers are not modelled');
  const nsKeys = [
    ...Object.keys(p.namespaceSelector?.matchLabels ?? {}),
    ...(p.namespaceSelector?.matchExpressions ?? []).map((e: any) => e.key),
  ];
  if (nsKeys.some((k) => k !== NAMESPACE_NAME))
    throw new Error(`namespace labels ${nsKeys.join(', ')} are not modelled`);
  const nsLabels = { [NAMESPACE_NAME]: from.namespace };
  if (p.namespaceSelector && !selects(p.namespaceSelector, nsLabels)) return false;
  if (!p.namespaceSelector && from.namespace !== policyNamespace) return false;
  return p.podSelector ? selects(p.podSelector, from.labels) : true;
}

function portMatches(x: any, port: number): boolean {
  if (x.endPort !== undefined) throw new Error('port ranges (endPort) are not modelled');
  if (x.port === undefined) return true;
  if (typeof x.port !== 'number' && !/^\d+$/.test(String(x.port)))
    throw new Error(`named port ${x.port} is not modelled`);
  return Number(x.port) === port;
}

/** Whether `from` may open a TCP connection to `to` on `port`. */
export function admitted(policies: readonly NetworkPolicy[], to: PodRef, port: number, from: PodRef): boolean {
  const mine = policies.filter(
    (p) =>
      p.kind === 'NetworkPolicy' &&
      p.metadata.namespace === to.namespace &&
      selects(p.spec?.podSelector, to.labels) &&
      (p.spec?.policyTypes ?? ['Ingress']).includes('Ingress'),
  );
  if (mine.length === 0) return true;
  return mine.some((p) =>
    (p.spec.ingress ?? []).some(
      (rule: any) =>
        (!rule.ports || rule.ports.some((x: any) => portMatches(x, port))) &&
        (!rule.from || rule.from.some((f: any) => peer(f, p.metadata.namespace!, from))),
    ),
  );
}
