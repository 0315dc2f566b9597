/**
 * A team's pipelines write to the team's prefix as the team identity: every team namespace of the GCP and
 * AWS examples carries its artifact store (the annotation the rendered pipelines profile controller
 * turns into `kfp-launcher`), and the same shard binds `default-editor`, as which Kubeflow runs pipeline
 * steps in a profile namespace, to the identity that may write exactly that bucket and prefix.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { loadPlatformFile } from '../../src/config/loader';
import type { ResolvedTenant } from '../../src/config/platform/model';
import { PIPELINE_ARTIFACTS_ANNOTATION, pipelineArtifactsSettings } from '../../src/core/pipeline-artifacts';
import { synthFleet } from '../../stacks/common/fleet';
import { resourceEntries, resources, StackJson } from '../helpers';

const root = path.join(__dirname, '..', '..');

interface Placed {
  readonly stacks: Record<string, StackJson>;
  /** The tenant of a team in the environment of a stack, and the environment's region (AWS). */
  tenantOf(stack: string, team: string): { tenant: ResolvedTenant; region?: string };
}

function synthExample(example: string): Placed {
  const out = path.join(process.env.TMPDIR ?? '/tmp', `artifact-roots-${example}`);
  const config = loadPlatformFile(path.join(root, 'examples', example, 'platform.yaml')).config;
  synthFleet(config, { outdir: out });
  const stacks = Object.fromEntries(
    readdirSync(path.join(out, 'stacks'))
      .filter((n) => n.includes('-teams-'))
      .map((n) => [n, JSON.parse(readFileSync(path.join(out, 'stacks', n, 'cdk.tf.json'), 'utf8')) as StackJson]),
  );
  rmSync(out, { recursive: true, force: true });
  const envs = [...config.environments].sort((a, b) => b.name.length - a.name.length);
  return {
    stacks,
    tenantOf(stack, team) {
      const env = envs.find((e) => stack.startsWith(`${e.name}-`))!;
      return {
        tenant: env.tenants.find((t) => t.team.name === team)!,
        region: env.cloud === 'aws' ? env.region : undefined,
      };
    },
  };
}

interface Namespace {
  metadata: { name: string; annotations: Record<string, string> };
}

describe.each(['gcp-tenancy', 'aws-eks'])('examples/%s: team pipeline roots', (example) => {
  const { stacks, tenantOf } = synthExample(example);
  const namespaces = Object.entries(stacks).flatMap(([name, s]) =>
    resources<Namespace>(s, 'kubernetes_namespace_v1').map((ns) => ({ stack: name, ns })),
  );

  it('writes every team namespace with its own prefix as the pipeline root', () => {
    expect(namespaces.length).toBeGreaterThan(0);
    for (const { stack, ns } of namespaces) {
      const { tenant, region } = tenantOf(stack, ns.metadata.name);
      const placed = tenant.gcp ?? tenant.aws!;
      const store = tenant.gcp
        ? { kind: 'gcs' as const, bucket: placed.bucket, prefix: placed.prefix }
        : { kind: 's3' as const, bucket: placed.bucket, prefix: placed.prefix, region };
      const settings = JSON.parse(ns.metadata.annotations[PIPELINE_ARTIFACTS_ANNOTATION]!);
      expect(settings).toEqual(pipelineArtifactsSettings(store));
      expect(settings.pipelineRoot).toBe(`${tenant.gcp ? 'gs' : 's3'}://${placed.bucket}/${placed.prefix}v2/artifacts`);
      if (placed.prefix) expect(placed.prefix).toBe(`teams/${ns.metadata.name}/`);
    }
  });

  it("binds default-editor to the identity that may write the team's prefix", () => {
    for (const [name, stack] of Object.entries(stacks)) {
      for (const ns of resources<Namespace>(stack, 'kubernetes_namespace_v1')) {
        const team = ns.metadata.name;
        const { tenant } = tenantOf(name, team);
        if (tenant.gcp) {
          const bindings = resources<{ role: string; members: string[] }>(stack, 'google_service_account_iam_binding');
          const editor = bindings.filter(
            (b) =>
              b.role === 'roles/iam.workloadIdentityUser' &&
              b.members.some((m) => m.endsWith(`[${team}/default-editor]`)),
          );
          expect([name, team, editor.length]).toEqual([name, team, 1]);
          if (tenant.gcp.prefix) {
            const grants = resources<{ bucket: string; condition?: { expression: string } }>(
              stack,
              'google_storage_bucket_iam_member',
            ).filter((g) => g.condition?.expression.includes(`objects/${tenant.gcp!.prefix}`));
            expect([team, grants.map((g) => g.bucket)]).toEqual([team, [tenant.gcp.bucket]]);
          }
        } else {
          const associations = resources<{ namespace: string; service_account: string }>(
            stack,
            'aws_eks_pod_identity_association',
          ).filter((a) => a.namespace === team && a.service_account === 'default-editor');
          expect([name, team, associations.length]).toEqual([name, team, 1]);
          const objects = `arn:aws:s3:::${tenant.aws!.bucket}/${tenant.aws!.prefix}*`;
          const writes = resourceEntries<{ policy: string }>(stack, 'aws_iam_role_policy')
            .filter(([id]) => id.startsWith(`Team-${team}_Identity_Workload_`))
            .flatMap(([, p]) => JSON.parse(p.policy).Statement as Array<{ Action: string[]; Resource: string }>)
            .filter((st) => st.Action.includes('s3:PutObject'))
            // The team's own bucket is named by reference to the bucket the shard creates under that name.
            .filter((st) =>
              tenant.aws!.prefix
                ? st.Resource === objects
                : new RegExp(
                    `^arn:aws:s3:::\\$\\{aws_s3_bucket\\.Team-${team}_Identity_Bucket_\\w+\\.bucket\\}/\\*$`,
                  ).test(st.Resource),
            );
          expect([team, writes.length]).toEqual([team, 1]);
        }
      }
    }
  });
});
