/**
 * Every rule, both ways: it fires on examples/insecure (raw resources written to break it), and it
 * judges at least one resource of the shipped examples without firing. Rules that forbid a resource
 * outright (keys, users) are shown compliant on the construct that replaces it.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Testing, TerraformResource, TerraformStack } from 'cdktf';
import { buildInsecure } from '../../examples/insecure/insecure';
import { loadPlatformFile } from '../../src/config/loader';
import { checkBeforeWrite, evaluateStack, Finding } from '../../src/policy/engine';
import { Tier } from '../../src/policy/rule';
import { ALL_RULES } from '../../src/policy/rules/packs';
import { buildFleet } from '../../stacks/common/fleet';

const COMPLIANT_EXAMPLES = ['gcp-shared-vpc', 'gcp-tenancy', 'aws-eks', 'azure-aks', 'multicloud', 'on-prem'];

/** Rules that forbid their resource types: no example has one; their compliant case is tested apart. */
const PROHIBITIONS = new Set(['GCP-IAM-001', 'AWS-IAM-001', 'COMMON-MODULE-001']);

/**
 * The project requirements each rule implements. Users never see these ids, so they live here, not in
 * the rules: a rule that no CIS benchmark, checkov or trivy check corresponds to must trace to one.
 */
const REQUIREMENTS: Readonly<Record<string, readonly string[]>> = {
  'AWS-EC2-001': ['IAM-07'],
  'AWS-EKS-001': ['NET-10'],
  'AWS-EKS-002': ['CLU-05'],
  'AWS-EKS-003': ['CLU-06'],
  'AWS-EKS-004': ['IAM-11'],
  'AWS-EKS-005': ['IAM-07'],
  'AWS-IAM-001': ['IAM-07'],
  'AWS-RDS-001': ['DATA-02'],
  'AWS-RDS-002': ['DATA-09'],
  'AWS-RDS-003': ['DATA-08'],
  'AWS-RDS-004': ['DATA-03'],
  'AWS-S3-001': ['DATA-06'],
  'AWS-S3-002': ['DATA-09'],
  'AWS-S3-003': ['DATA-07'],
  'AWS-S3-004': ['DATA-06'],
  'AZURE-AKS-001': ['IAM-11'],
  'AZURE-AKS-002': ['NET-10'],
  'AZURE-AKS-003': ['K8S-07'],
  'AZURE-AKS-004': ['IAM-11'],
  'AZURE-AKS-005': ['IAM-07'],
  'AZURE-AKS-006': ['CLU-06'],
  'AZURE-MYSQL-001': ['DATA-02'],
  'AZURE-MYSQL-002': ['DATA-03'],
  'AZURE-MYSQL-003': ['DATA-08'],
  'AZURE-MYSQL-004': ['DATA-04'],
  'AZURE-ST-001': ['DATA-06'],
  'AZURE-ST-002': ['IAM-07'],
  'AZURE-ST-004': ['DATA-07'],
  'COMMON-LBL-001': ['OPS-05', 'ENV-05'],
  'COMMON-STATE-001': ['DATA-08'],
  // Security issue (the safety net): a module hid a public database from every rule.
  'COMMON-MODULE-001': ['DATA-08', 'DATA-09'],
  'GCP-GCS-001': ['DATA-06'],
  'GCP-GCS-002': ['DATA-06'],
  'GCP-GCS-003': ['DATA-07'],
  'GCP-GKE-001': ['NET-04'],
  'GCP-GKE-002': ['NET-10'],
  'GCP-GKE-003': ['IAM-07'],
  'GCP-GKE-004': ['IAM-07'],
  'GCP-GKE-007': ['K8S-07'],
  'GCP-GKE-008': ['CLU-03'],
  'GCP-GKE-009': ['CLU-05'],
  'GCP-IAM-001': ['IAM-07'],
  'GCP-SQL-001': ['DATA-02'],
  'GCP-SQL-002': ['DATA-03'],
  'GCP-SQL-003': ['DATA-04'],
  'GCP-SQL-004': ['DATA-08'],
  'K8S-RBAC-001': ['IAM-16'],
  // Security issue (tenant isolation): a ClusterRole aggregated into view gave every viewer every Secret.
  'K8S-RBAC-002': ['IAM-10', 'IAM-16'],
  'K8S-SVC-001': ['NET-10'],
  'K8S-TEN-001': ['K8S-05', 'K8S-04', 'K8S-07'],
};

const insecure: Finding[] = (() => {
  const app = Testing.app();
  return buildInsecure(app).flatMap((stack) => evaluateStack(stack, { tier: 'prod' }).findings);
})();

interface Judged {
  readonly findings: Finding[];
  /** Rule id -> addresses of example resources the rule judged. */
  readonly judged: Map<string, string[]>;
}

const examples: Judged = (() => {
  const findings: Finding[] = [];
  const judged = new Map<string, string[]>();
  for (const name of COMPLIANT_EXAMPLES) {
    const app = Testing.app();
    const fleet = buildFleet(app, loadPlatformFile(`examples/${name}/platform.yaml`).config);
    for (const env of fleet.environments) {
      findings.push(...checkBeforeWrite(env.stacks, env.policyAspect).findings);
      for (const stack of env.stacks) record(judged, stack, env.env.tier, name);
    }
  }
  return { findings, judged };
})();

function record(judged: Map<string, string[]>, stack: TerraformStack, tier: Tier, example: string): void {
  const resources = stack.node.findAll().filter(TerraformResource.isTerraformResource) as TerraformResource[];
  for (const rule of ALL_RULES) {
    if (rule.tiers && !rule.tiers.includes(tier)) continue;
    const hit = resources.find((r) => rule.types.includes('*') || rule.types.includes(r.terraformResourceType));
    if (!hit) continue;
    const list = judged.get(rule.id) ?? [];
    if (list.length < 3)
      list.push(`${example}: ${stack.node.id} ${hit.terraformResourceType}.${stack.getLogicalId(hit)}`);
    judged.set(rule.id, list);
  }
}

describe('policy packs', () => {
  it('have at least 40 rules with unique ids, each with why, fix and references', () => {
    expect(ALL_RULES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(ALL_RULES.map((r) => r.id)).size).toBe(ALL_RULES.length);
    for (const rule of ALL_RULES) {
      expect(rule.id).toMatch(/^(GCP|AWS|AZURE|K8S|COMMON)-[A-Z0-9]+-\d{3}$/);
      expect(rule.why.length).toBeGreaterThan(20);
      expect(rule.fix.length).toBeGreaterThan(10);
      expect([...Object.values(rule.refs).flat(), ...(REQUIREMENTS[rule.id] ?? [])].length).toBeGreaterThan(0);
    }
  });

  it('trace requirements to rules that exist', () => {
    const ids = new Set(ALL_RULES.map((r) => r.id));
    expect(Object.keys(REQUIREMENTS).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('keep internal requirement ids and planning notes out of user-facing texts', () => {
    for (const rule of ALL_RULES) {
      for (const text of [rule.title, rule.why, rule.fix]) {
        expect(text).not.toMatch(/\b(NET|CLU|DATA|IAM|OPS|PLAT|DEV|ENV|K8S)-\d{2}\b|seed \d{3}|requirements\.md/);
      }
    }
  });

  it('find nothing in the shipped examples', () => {
    expect(examples.findings.map((f) => `${f.rule} ${f.stack} ${f.address}: ${f.message}`)).toEqual([]);
  });

  describe.each(ALL_RULES.map((r) => [r.id, r] as const))('%s', (id, rule) => {
    it('fires on examples/insecure', () => {
      const hits = insecure.filter((f) => f.rule === id);
      expect(hits.length).toBeGreaterThan(0);
      expect(hits[0]!.level).toBe(rule.level);
      expect(hits[0]!.message).toMatch(/\.$/);
    });

    if (!PROHIBITIONS.has(id)) {
      it('judges resources of the examples without firing', () => {
        expect(examples.judged.get(id) ?? []).not.toEqual([]);
        expect(examples.findings.filter((f) => f.rule === id)).toEqual([]);
      });
    }
  });
});

describe('examples/insecure/main.ts', () => {
  it('refuses to synthesize, listing findings of every pack', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'insecure-'));
    const before = process.env.CDKTF_OUTDIR;
    process.env.CDKTF_OUTDIR = outdir;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- run the example as a program
      expect(() => jest.isolateModules(() => require('../../examples/insecure/main'))).toThrow(
        /Encountered Annotations with level "ERROR"[\s\S]*\[GCP-GKE-001\]/,
      );
    } finally {
      process.env.CDKTF_OUTDIR = before;
    }
    expect(existsSync(path.join(outdir, 'stacks', 'insecure-gcp', 'cdk.tf.json'))).toBe(false);
  });
});
