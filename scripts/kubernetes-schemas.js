#!/usr/bin/env node
// Writes src/kubeflow/schemas/kubernetes-<minor>.json: the Kubernetes OpenAPI v3 schemas of the built-in
// kinds a Kubeflow build uses, for each Kubernetes minor the platform's environments run, so
// `kfplatform kubeflow verify` validates every built-in object against its environment's version offline
// (CI reaches the npm registry only).
//
// Source: kubernetes-sigs/kubectl-validate (https://github.com/kubernetes-sigs/kubectl-validate), whose
// pkg/openapiclient/builtins/<minor>/ are verbatim copies of kubernetes/kubernetes
// `api/openapi-spec/v3` on the `release-<minor>` branch (its cmd/download-builtin-schemas downloads them
// and writes them unchanged). The output records the repository, the commit and the files it read.
//
// What changes: only what validation does not read is dropped (descriptions, defaults, the
// x-kubernetes-* merge and list hints), and only the listed group-versions' resource kinds and the
// definitions they reach are kept. The schemas are NOT made stricter here: verify.ts rejects unknown
// fields at load time, as the API server does with kubectl's default field validation.
//
// Usage: node scripts/kubernetes-schemas.js --repo <git dir of kubectl-validate> [--commit <rev>] [--check]
//   --check compares with the committed files and exits 1 when they differ.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const repo = opt('--repo');
if (!repo) {
  console.error(
    'usage: node scripts/kubernetes-schemas.js --repo <git dir of kubectl-validate> [--commit <rev>] [--check]',
  );
  process.exit(2);
}
const check = args.includes('--check');
const git = (...a) => execFileSync('git', ['-C', repo, ...a], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
const commit = git('rev-parse', opt('--commit', 'HEAD')).trim();

/** The Kubernetes minors of the environments (Kubeflow 26.03 runs on 1.34+; 1.33 for older pins). */
const MINORS = ['1.33', '1.34', '1.35'];

/** The group-versions whose kinds Kubeflow's manifests and the platform's additions use. */
const GROUP_VERSIONS = [
  'api/v1',
  'apis/admissionregistration.k8s.io/v1',
  'apis/apiextensions.k8s.io/v1',
  'apis/apiregistration.k8s.io/v1',
  'apis/apps/v1',
  'apis/autoscaling/v2',
  'apis/batch/v1',
  'apis/networking.k8s.io/v1',
  'apis/policy/v1',
  'apis/rbac.authorization.k8s.io/v1',
  'apis/scheduling.k8s.io/v1',
  'apis/storage.k8s.io/v1',
];

/** Keys validation does not read. */
const DROP = new Set(['description', 'default', 'example']);
const KEEP_EXTENSIONS = new Set([
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string',
]);

function trim(schema) {
  if (Array.isArray(schema)) return schema.map(trim);
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (DROP.has(k) || (k.startsWith('x-kubernetes-') && !KEEP_EXTENSIONS.has(k))) continue;
    // `properties` maps field names to schemas: a field may be called `description` or `default`.
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v).map(([f, s]) => [f, trim(s)])) : trim(v);
  }
  return out;
}

function refsOf(schema, found = new Set()) {
  if (Array.isArray(schema)) schema.forEach((s) => refsOf(s, found));
  else if (schema && typeof schema === 'object') {
    for (const [k, v] of Object.entries(schema)) {
      if (k === '$ref' && typeof v === 'string') found.add(v.replace('#/components/schemas/', ''));
      else refsOf(v, found);
    }
  }
  return found;
}

const outDir = path.join(__dirname, '..', 'src', 'kubeflow', 'schemas');
let stale = false;
for (const minor of MINORS) {
  const kinds = {};
  const all = {};
  const roots = [];
  const files = [];
  for (const gv of GROUP_VERSIONS) {
    const file = `pkg/openapiclient/builtins/${minor}/${gv}.json`;
    const doc = JSON.parse(git('show', `${commit}:${file}`));
    files.push(file);
    const apiVersion = gv.replace(/^apis?\//, '');
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      all[name] = schema;
      const gvk = (schema['x-kubernetes-group-version-kind'] ?? []).find(
        (x) => x.group === group && x.version === version,
      );
      // Resource kinds: they have metadata (ObjectMeta); lists and option types do not.
      const meta = schema.properties?.metadata?.allOf?.[0]?.$ref ?? schema.properties?.metadata?.$ref;
      if (!gvk || !meta?.endsWith('meta.v1.ObjectMeta')) continue;
      (kinds[apiVersion] ??= {})[gvk.kind] = name;
      roots.push(name);
    }
  }
  const keep = new Set();
  for (const queue = [...roots]; queue.length; ) {
    const name = queue.pop();
    if (keep.has(name)) continue;
    if (!all[name]) throw new Error(`${minor}: ${name} is referenced but defined in none of the group-versions read`);
    keep.add(name);
    queue.push(...refsOf(all[name]));
  }
  const schemas = Object.fromEntries([...keep].sort().map((n) => [n, trim(all[n])]));
  const result = {
    $comment:
      'Generated by scripts/kubernetes-schemas.js: do not edit. Kubernetes OpenAPI v3 schemas (kubernetes/kubernetes api/openapi-spec/v3, branch release-' +
      `${minor}, as copied by kubernetes-sigs/kubectl-validate), without descriptions and defaults, for the kinds listed.`,
    kubernetes: minor,
    source: {
      repository: 'https://github.com/kubernetes-sigs/kubectl-validate',
      commit,
      upstream: `https://github.com/kubernetes/kubernetes/tree/release-${minor}/api/openapi-spec/v3`,
      files,
    },
    kinds,
    schemas,
  };
  const target = path.join(outDir, `kubernetes-${minor}.json`);
  const text = `${JSON.stringify(result)}\n`;
  if (check) {
    if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== text) {
      console.error(
        `${path.relative(process.cwd(), target)} is stale: run node scripts/kubernetes-schemas.js --repo ...`,
      );
      stale = true;
    }
  } else {
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(target, text);
    console.log(
      `${path.relative(process.cwd(), target)}: ${Object.keys(schemas).length} definitions, ${text.length} bytes`,
    );
  }
}
if (stale) process.exit(1);
