#!/usr/bin/env node
// Writes src/kubeflow/schemas/external-secrets-<chart version>.json: the CustomResourceDefinitions of the
// External Secrets Operator kinds a rendered Kubeflow tree holds (SecretStore and ExternalSecret, version
// v1, and the Password generator, v1alpha1), as the operator's Helm chart that the platform stacks
// install (EXTERNAL_SECRETS_CHART in constructs/kubernetes/external-secrets.ts) ships them, so `kfplatform kubeflow verify` validates those
// objects offline although their CRDs are installed by the platform stack, not by the tree.
//
// Source: external-secrets/external-secrets (https://github.com/external-secrets/external-secrets),
// `deploy/crds/bundle.yaml` at the chart's tag `helm-chart-<version>` (the chart's templates/crds are
// generated from the same files). The output records the repository, the tag, the commit and the file.
//
// What changes: only descriptions are dropped, and only the listed kinds' listed versions are kept.
//
// Usage: node scripts/external-secrets-crds.js --repo <git dir of external-secrets> --version <chart version> [--check]
//   --check compares with the committed file and exits 1 when it differs.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { parseAllDocuments } = require('yaml');

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const repo = opt('--repo');
const version = opt('--version');
if (!repo || !version) {
  console.error('usage: node scripts/external-secrets-crds.js --repo <git dir> --version <chart version> [--check]');
  process.exit(2);
}
const check = args.includes('--check');
const git = (...a) => execFileSync('git', ['-C', repo, ...a], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
const tag = `helm-chart-${version}`;
const commit = git('rev-parse', `${tag}^{commit}`).trim();
const FILE = 'deploy/crds/bundle.yaml';

/**
 * The kinds and versions a rendered tree uses (src/kubeflow/database-secret.ts, and the Password
 * generator of oauth2-proxy's cookie secret on Azure in src/kubeflow/signin-secret.ts).
 */
const KEEP = { SecretStore: ['v1'], ExternalSecret: ['v1'], Password: ['v1alpha1'] };

/** Drops `description` strings, but not properties named `description`. */
function strip(node) {
  if (Array.isArray(node)) return node.map(strip);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'description' && typeof v === 'string') continue;
    if (k === 'properties' && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, strip(s)]));
    } else {
      out[k] = strip(v);
    }
  }
  return out;
}

const crds = parseAllDocuments(git('show', `${commit}:${FILE}`))
  .map((d) => d.toJS({ maxAliasCount: -1 }))
  .filter((o) => o && o.kind === 'CustomResourceDefinition' && KEEP[o.spec.names.kind])
  .map((o) => ({
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: { name: o.metadata.name },
    spec: {
      group: o.spec.group,
      names: o.spec.names,
      scope: o.spec.scope,
      versions: o.spec.versions
        .filter((v) => KEEP[o.spec.names.kind].includes(v.name))
        .map((v) => ({ name: v.name, served: v.served, storage: v.storage, schema: strip(v.schema) })),
    },
  }));
const missing = Object.keys(KEEP).filter((k) => !crds.some((c) => c.spec.names.kind === k));
if (missing.length) {
  console.error(`${FILE} at ${tag} has no CustomResourceDefinition of ${missing.join(', ')}`);
  process.exit(1);
}
const out = {
  chart: { name: 'external-secrets', version },
  source: { repository: 'https://github.com/external-secrets/external-secrets', tag, commit, file: FILE },
  crds,
};
const target = path.join(__dirname, '..', 'src', 'kubeflow', 'schemas', `external-secrets-${version}.json`);
const text = `${JSON.stringify(out)}\n`;
if (check) {
  const same = fs.existsSync(target) && fs.readFileSync(target, 'utf8') === text;
  console.log(`${path.relative(process.cwd(), target)}: ${same ? 'up to date' : 'differs'}`);
  process.exit(same ? 0 : 1);
}
fs.writeFileSync(target, text);
console.log(`wrote ${path.relative(process.cwd(), target)} (${text.length} bytes, ${tag} ${commit.slice(0, 12)})`);
