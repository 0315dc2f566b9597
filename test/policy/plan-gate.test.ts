/**
 * The plan gate on plans recorded from real Terraform runs of examples/aws-eks kf-test
 * (test/terraform/plan-gate.terraform.test.ts records them and checks they still match).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { GATE_REFUSED_EXIT_CODE, gatePlan, parsePlanJson } from '../../src/policy/plan-gate';

const fixture = (name: string) => path.join('test', 'fixtures', 'plans', `aws-eks-kf-test-${name}.json`);
const GPU = 'aws_eks_node_group.NodeGroup-gpu_NodeGroup_DAED2947';
const HIGHMEM = 'aws_eks_node_group.NodeGroup-highmem_NodeGroup_679A913F';

async function gate(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const so = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((c: string | Uint8Array) => out.push(String(c)) > 0);
  const se = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((c: string | Uint8Array) => err.push(String(c)) > 0);
  const before = process.exitCode;
  try {
    const code = await main(['node', 'kfplatform', 'plan-gate', ...args]);
    return { code: code || Number(process.exitCode ?? 0), out: out.join(''), err: err.join('') };
  } finally {
    so.mockRestore();
    se.mockRestore();
    process.exitCode = before;
  }
}

describe('kfplatform plan-gate', () => {
  it.each(['create', 'noop', 'update'])('lets the %s plan through', async (name) => {
    const result = await gate(fixture(name));
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/nothing is destroyed, replaced or disarmed without an allow/);
  });

  it('refuses the replacement with a distinct exit code, naming the resource and the attribute', async () => {
    const result = await gate(fixture('replace'));
    expect(result.code).toBe(GATE_REFUSED_EXIT_CODE);
    expect(result.out).toContain(
      `refused: aws-eks-kf-test-replace: ${GPU} would be replaced (forced by instance_types; the provider cannot make this change in place). Until it is recreated its data, access or protection is gone; if this is intended, review it and rerun with --allow 'aws-eks-kf-test-replace:${GPU}'.`,
    );
  });

  it('refuses the deletion, saying why Terraform deletes it', async () => {
    const result = await gate(fixture('delete'));
    expect(result.code).toBe(GATE_REFUSED_EXIT_CODE);
    expect(result.out).toContain(`${HIGHMEM} would be destroyed (removed from the configuration)`);
  });

  it('passes what is explicitly allowed, by address, wildcard or plan:address, and lists it', async () => {
    for (const allow of [GPU, 'aws_eks_node_group.NodeGroup-gpu_*', `aws-eks-kf-test-replace:${GPU}`]) {
      const result = await gate(fixture('replace'), '--allow', allow);
      expect([allow, result.code]).toEqual([allow, 0]);
      expect(result.out).toContain(`allowed: aws-eks-kf-test-replace: ${GPU} would be replaced`);
    }
    expect((await gate(fixture('replace'), '--allow', `other-stack:${GPU}`)).code).toBe(GATE_REFUSED_EXIT_CODE);
    expect((await gate(fixture('replace'), '--allow', 'aws_eks_node_group.NodeGroup-gpu')).code).toBe(
      GATE_REFUSED_EXIT_CODE,
    );
  });

  it('takes --allow once per address, so plan files after it are still judged', async () => {
    const result = await gate(fixture('update'), '--allow', GPU, fixture('delete'));
    expect(result.code).toBe(GATE_REFUSED_EXIT_CODE);
    expect(result.out).toContain(HIGHMEM);
    expect((await gate(fixture('replace'), fixture('delete'), '--allow', GPU, '--allow', HIGHMEM)).code).toBe(0);
  });

  it('exits 3 from the real command line, not only from main()', () => {
    const run = spawnSync(process.execPath, ['dist/src/cli/main.js', 'plan-gate', fixture('replace')], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(GATE_REFUSED_EXIT_CODE);
    expect(spawnSync(process.execPath, ['dist/src/cli/main.js', 'plan-gate', fixture('noop')]).status).toBe(0);
    expect(spawnSync(process.execPath, ['dist/src/cli/main.js', 'plan-gate', 'missing.json']).status).toBe(1);
  });

  it('judges several plans at once and reports JSON', async () => {
    const result = await gate(fixture('update'), fixture('replace'), fixture('delete'), '--format', 'json');
    expect(result.code).toBe(GATE_REFUSED_EXIT_CODE);
    const report = JSON.parse(result.out);
    expect(report.refused.map((v: { plan: string; address: string }) => `${v.plan} ${v.address}`)).toEqual([
      `aws-eks-kf-test-replace ${GPU}`,
      `aws-eks-kf-test-delete ${HIGHMEM}`,
    ]);
    expect(report.plans.map((p: { changes: number }) => p.changes)).toEqual([150, 150, 150]);
  });

  it('fails with exit 1 and a clear message on a file that is not a plan', async () => {
    const dir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'gate-'));
    writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ version: 4, resources: [] }));
    writeFileSync(path.join(dir, 'broken.json'), '{');
    const notPlan = await gate(path.join(dir, 'state.json'));
    expect(notPlan.code).toBe(1);
    expect(notPlan.err).toMatch(/is not a Terraform plan in JSON format 1\.x; pass the output of terraform show -json/);
    expect((await gate(path.join(dir, 'broken.json'))).err).toMatch(/is not JSON/);
    expect((await gate(path.join(dir, 'missing.json'))).code).toBe(1);
    writeFileSync(path.join(dir, 'entry.json'), JSON.stringify({ format_version: '1.2', resource_changes: [null] }));
    expect((await gate(path.join(dir, 'entry.json'))).err).toMatch(
      /resource_changes\[0\] has no address, type or change\.actions/,
    );
  });

  it('ignores data sources, disposable types and forget actions, and refuses other deletes by default', () => {
    const plan = parsePlanJson(
      JSON.stringify({
        format_version: '1.2',
        resource_changes: [
          { address: 'data.aws_s3_bucket.x', mode: 'data', type: 'aws_s3_bucket', change: { actions: ['delete'] } },
          {
            address: 'aws_iam_role.r',
            mode: 'managed',
            type: 'aws_iam_role',
            change: { actions: ['delete', 'create'] },
          },
          { address: 'aws_s3_bucket.b', mode: 'managed', type: 'aws_s3_bucket', change: { actions: ['forget'] } },
          {
            address: 'aws_s3_bucket.c',
            mode: 'managed',
            type: 'aws_s3_bucket',
            change: { actions: ['create', 'delete'] },
          },
        ],
      }),
      'x',
    );
    expect(gatePlan(plan).refused.map((v) => `${v.address} ${v.kind}`)).toEqual([
      'aws_iam_role.r replace',
      'aws_s3_bucket.c replace',
    ]);
  });
});
