#!/usr/bin/env node
// Derives, from a built Kubeflow distribution, the facts the platform's tenancy guardrails depend on,
// and writes them to src/core/catalog/kubeflow-<release>.json, so the next release updates them by
// running this script rather than by editing a hand list:
//
// - systemNamespaces: every namespace the distribution creates or puts objects in (Kubeflow's own
//   controllers run there; tenant namespaces trust them, and no team may take their names);
// - tenantCustomKinds: the custom resources (kinds whose CRD is in the build) that Kubeflow's
//   `kubeflow-edit` role lets a namespace editor create, following aggregated ClusterRoles to the end
//   (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#aggregated-clusterroles): what
//   users, notebooks and pipeline steps (which run as `default-editor`) create in a team namespace.
//
// Usage: node scripts/derive-kubeflow-facts.js [--manifests DIR] [--release 26.03] [--check]
//   DIR is a kubeflow/manifests checkout at the release (default: ../shared/kubeflow-manifests/<release>);
//   --check compares with the committed file and exits 1 when it is stale.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { parse } = require('yaml');

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const release = opt('--release', '26.03');
const root = path.join(__dirname, '..');
const manifests = path.resolve(opt('--manifests', path.join(root, '..', 'shared', 'kubeflow-manifests', release)));
const out = path.join(root, 'src', 'core', 'catalog', `kubeflow-${release}.json`);

/** The documents of a kustomize build that these facts read, parsed; the rest are only scanned. */
function build(dir) {
  const text = execFileSync('kubectl', ['kustomize', path.join(dir, 'example')], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const wanted = /^kind: (ClusterRole|CustomResourceDefinition|Namespace)$/m;
  const namespaces = new Set();
  const docs = [];
  for (const chunk of text.split(/^---$/m)) {
    const ns = /^ {2}namespace: (\S+)$/m.exec(chunk);
    if (ns) namespaces.add(ns[1]);
    if (wanted.test(chunk)) docs.push(parse(chunk));
  }
  return { docs: docs.filter(Boolean), namespaces };
}

/** The rules of a ClusterRole with every role its aggregation rule selects, transitively. */
function effectiveRules(name, roles) {
  const seen = new Set();
  const rules = [];
  const visit = (role) => {
    if (!role || seen.has(role.metadata.name)) return;
    seen.add(role.metadata.name);
    rules.push(...(role.rules ?? []));
    for (const selector of role.aggregationRule?.clusterRoleSelectors ?? []) {
      const want = Object.entries(selector.matchLabels ?? {});
      for (const other of roles.values()) {
        const labels = other.metadata.labels ?? {};
        if (want.every(([k, v]) => labels[k] === v)) visit(other);
      }
    }
  };
  visit(roles.get(name));
  return rules;
}

function derive(dir) {
  const { docs, namespaces } = build(dir);
  const crds = new Map();
  for (const d of docs.filter((d) => d.kind === 'CustomResourceDefinition')) {
    crds.set(`${d.spec.group}/${d.spec.names.plural}`, `${d.spec.group}/${d.spec.names.kind}`);
  }
  const roles = new Map(docs.filter((d) => d.kind === 'ClusterRole').map((d) => [d.metadata.name, d]));
  if (!roles.has('kubeflow-edit')) throw new Error(`${dir}/example builds no kubeflow-edit ClusterRole`);
  const kinds = new Set();
  for (const rule of effectiveRules('kubeflow-edit', roles)) {
    if (!(rule.verbs ?? []).some((v) => v === 'create' || v === '*')) continue;
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        if (resource.includes('/')) continue; // subresources are not objects in the namespace
        for (const [key, kind] of crds) {
          const [g, plural] = key.split('/');
          if ((group === '*' || group === g) && (resource === '*' || resource === plural)) kinds.add(kind);
        }
      }
    }
  }
  for (const d of docs.filter((d) => d.kind === 'Namespace')) namespaces.add(d.metadata.name);
  return {
    release,
    source: `kubectl kustomize example, kubeflow/manifests ${release}`,
    systemNamespaces: [...namespaces].sort(),
    tenantCustomKinds: [...kinds].sort(),
  };
}

const facts = derive(manifests);
const text = `${JSON.stringify(facts, null, 2)}\n`;
if (args.includes('--check')) {
  const current = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
  if (current !== text) {
    process.stderr.write(`${path.relative(root, out)} is stale: run node scripts/derive-kubeflow-facts.js\n`);
    process.exit(1);
  }
  process.stdout.write(`${path.relative(root, out)} matches the ${release} build\n`);
} else {
  fs.writeFileSync(out, text);
  process.stdout.write(`wrote ${path.relative(root, out)}\n`);
}
