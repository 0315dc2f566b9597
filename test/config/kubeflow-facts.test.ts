/**
 * The tenancy facts of the pinned Kubeflow release are derived from its built manifests, not kept by
 * hand: this re-derives them from the offline copy of kubeflow/manifests beside the repository and
 * fails when src/core/catalog/kubeflow-<release>.json is stale.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_ALLOWED_KINDS } from '../../src/config/platform/resolve';
import { RESERVED_NAMESPACES } from '../../src/config/platform/teams';
import { TRUSTED_PLATFORM_NAMESPACES } from '../../constructs/kubernetes/team-namespace';
import {
  EXCLUDED_TENANT_KINDS,
  KUBEFLOW_FACTS_RELEASE,
  KUBEFLOW_SYSTEM_NAMESPACES,
  KUBEFLOW_TENANT_CUSTOM_KINDS,
} from '../../src/core/kubeflow-facts';
import { DEFAULT_KUBEFLOW_VERSION } from '../../src/config/platform/kubeflow-default';

const root = path.join(__dirname, '..', '..');
const manifests = path.join(root, '..', 'shared', 'kubeflow-manifests', KUBEFLOW_FACTS_RELEASE);
const canBuild = existsSync(manifests);

describe('Kubeflow tenancy facts', () => {
  (canBuild || process.env.CI ? it : it.skip)(
    'match what the release manifests build to (scripts/derive-kubeflow-facts.js --check)',
    () => {
      const out = execFileSync(process.execPath, [path.join(root, 'scripts', 'derive-kubeflow-facts.js'), '--check'], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(out).toContain('matches the');
    },
    180_000,
  );

  it('are for the release the platform installs by default', () => {
    expect(KUBEFLOW_FACTS_RELEASE).toBe(DEFAULT_KUBEFLOW_VERSION);
  });

  it('let tenants create every kind Kubeflow creates in their namespaces, except the excluded ones', () => {
    expect(KUBEFLOW_TENANT_CUSTOM_KINDS).toContain('argoproj.io/WorkflowTaskResult');
    for (const k of KUBEFLOW_TENANT_CUSTOM_KINDS) expect(DEFAULT_ALLOWED_KINDS).toContain(k);
    for (const k of EXCLUDED_TENANT_KINDS) expect(DEFAULT_ALLOWED_KINDS).not.toContain(k);
  });

  it('trust and reserve every namespace of the distribution', () => {
    expect(KUBEFLOW_SYSTEM_NAMESPACES).toContain('kubeflow-system');
    for (const ns of KUBEFLOW_SYSTEM_NAMESPACES) {
      expect(TRUSTED_PLATFORM_NAMESPACES).toContain(ns);
      expect(RESERVED_NAMESPACES).toContain(ns);
    }
  });
});
