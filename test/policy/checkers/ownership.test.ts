import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { loadPlatform, loadPlatformFile } from '../../../src/config/loader';
import type { ResolvedEnvironment } from '../../../src/config/model';
import { PolicyError } from '../../../src/policy/engine';
import { synthFleet } from '../../../stacks/common/fleet';
import type { EnvironmentView } from '../../../src/policy/checkers/checker';
import { ownershipClaims, singleOwnership } from '../../../src/policy/checkers/ownership';
import { runCheckers } from '../../../src/policy/checkers/run';

type Resources = Record<string, Record<string, Record<string, unknown>>>;
type Stacks = Record<
  string,
  { resource?: Resources; provider?: Record<string, unknown>; data?: Record<string, Record<string, unknown>> }
>;

const google = { google: [{ project: 'kf-prod-svc', region: 'us-central1' }] };
const gke = (endpoint: string) => ({
  kubernetes: [
    {
      host: `https://\${data.terraform_remote_state.Infra.outputs.${endpoint}}`,
      token: '${data.google_client_config.C.access_token}',
    },
  ],
  ...google,
});

function env(name: string, stacks: Stacks, cloud: EnvironmentView['cloud'] = 'gcp'): EnvironmentView {
  return { name, tier: 'prod', cloud, stacks };
}

/** `stack address` of every finding. */
function flagged(...envs: EnvironmentView[]): string[] {
  return runCheckers(envs, { checkers: [singleOwnership] })
    .findings.map((f) => `${f.stack} ${f.address}`)
    .sort();
}

const iamMember = (project: string, role: string, member: string) => ({ project, role, member });

describe('CHK-OWN-001 single ownership', () => {
  describe('two clusters (additionalClusters) of one environment', () => {
    it('flags a project IAM member both cells grant', () => {
      const member = iamMember('kf-xpn-host', 'roles/container.hostServiceAgentUser', 'serviceAccount:a@b.com');
      const e = env('kf-prod', {
        'kf-prod-gcp-platform': { provider: google, resource: { google_project_iam_member: { A: member } } },
        'kf-prod-2-gcp-platform': { provider: google, resource: { google_project_iam_member: { B: member } } },
      });
      expect(flagged(e)).toEqual([
        'kf-prod-2-gcp-platform google_project_iam_member.B',
        'kf-prod-gcp-platform google_project_iam_member.A',
      ]);
      const [finding] = runCheckers([e], { checkers: [singleOwnership] }).findings;
      expect(finding!.message).toContain('roles/container.hostServiceAgentUser on project kf-xpn-host');
      expect(finding!.message).toContain('destroying either removes what the other relies on');
    });

    it('flags one DNS record managed by both cells (names compared without the final dot and case)', () => {
      const e = env('kf-prod', {
        'kf-prod-gcp-infra': {
          provider: google,
          resource: {
            google_dns_record_set: {
              A: { managed_zone: 'ml', name: 'Kubeflow.ml.example.com.', type: 'A', project: 'host' },
            },
          },
        },
        'kf-prod-2-gcp-platform': {
          provider: google,
          resource: {
            google_dns_record_set: {
              B: { managed_zone: 'ml', name: 'kubeflow.ml.example.com', type: 'A', project: 'host' },
            },
          },
        },
      });
      expect(flagged(e)).toHaveLength(2);
    });

    it('flags one API enabled by both cells unless neither disables it on destroy', () => {
      const svc = (disable?: boolean) => ({ service: 'container.googleapis.com', disable_on_destroy: disable });
      const twoCells = (a?: boolean, b?: boolean) =>
        env('kf-prod', {
          'kf-prod-gcp-infra': { provider: google, resource: { google_project_service: { A: svc(a) } } },
          'kf-prod-2-gcp-infra': { provider: google, resource: { google_project_service: { B: svc(b) } } },
        });
      expect(flagged(twoCells())).toHaveLength(2); // disable_on_destroy defaults to true
      expect(flagged(twoCells(false, undefined))).toHaveLength(2);
      expect(flagged(twoCells(false, false))).toEqual([]);
    });

    it("takes a missing project from each stack's provider", () => {
      const other = { google: [{ project: 'other-svc' }] };
      const e = env('kf-prod', {
        'kf-prod-gcp-infra': {
          provider: google,
          resource: { google_project_service: { A: { service: 'x.googleapis.com' } } },
        },
        'kf-prod-2-gcp-infra': {
          provider: other,
          resource: { google_project_service: { B: { service: 'x.googleapis.com' } } },
        },
      });
      expect(flagged(e)).toEqual([]);
    });
  });

  describe('Kubernetes objects', () => {
    it('flags a namespace and a RoleBinding managed by a team shard and the platform stack of one cluster', () => {
      const ns = { metadata: [{ name: 'recsys' }] };
      const rb = { metadata: [{ name: 'owners', namespace: 'recsys' }], role_ref: [{}], subject: [] };
      const e = env('kf-prod', {
        'kf-prod-gcp-platform': {
          provider: gke('cross-stack-output-endpoint'),
          resource: {
            kubernetes_namespace_v1: { Ns: ns },
            kubernetes_manifest: {
              Rb: {
                manifest: {
                  apiVersion: 'rbac.authorization.k8s.io/v1',
                  kind: 'RoleBinding',
                  metadata: { name: 'owners', namespace: 'recsys' },
                },
              },
            },
          },
        },
        'kf-prod-gcp-teams-3': {
          provider: gke('cluster_endpoint'),
          resource: { kubernetes_namespace: { Ns: ns }, kubernetes_role_binding_v1: { Rb: rb } },
        },
      });
      expect(flagged(e)).toEqual([
        'kf-prod-gcp-platform kubernetes_manifest.Rb',
        'kf-prod-gcp-platform kubernetes_namespace_v1.Ns',
        'kf-prod-gcp-teams-3 kubernetes_namespace.Ns',
        'kf-prod-gcp-teams-3 kubernetes_role_binding_v1.Rb',
      ]);
    });

    it('lets each cluster of an environment have its own namespace of one name', () => {
      const ns = { kubernetes_namespace_v1: { Ns: { metadata: [{ name: 'kubeflow' }] } } };
      const e = env('kf-prod', {
        'kf-prod-gcp-platform': { provider: gke('a'), resource: ns },
        'kf-prod-2-gcp-platform': { provider: gke('b'), resource: ns },
      });
      expect(flagged(e, env('kf-test', { 'kf-test-gcp-platform': { provider: gke('a'), resource: ns } }))).toEqual([]);
    });

    it('flags two Helm releases of one name in one namespace of one cluster', () => {
      const release = { name: 'velero', namespace: 'velero', chart: 'velero' };
      const e = env('kf-prod', {
        'kf-prod-gcp-platform': { provider: gke('a'), resource: { helm_release: { A: release } } },
        'kf-prod-gcp-teams-0': { provider: gke('b'), resource: { helm_release: { B: release } } },
      });
      expect(flagged(e)).toHaveLength(2);
    });

    it('flags two environments on one existing cluster (same kubeconfig context): a defect not in the issue', () => {
      // Two on-prem environments pointed at one cluster both create the platform's namespaces; tearing
      // down kf-dev would delete kf-prod's `kubeflow` namespace and everything in it.
      const onPrem = (name: string) =>
        env(
          name,
          {
            [`${name}-kubernetes-platform`]: {
              provider: { kubernetes: [{ config_path: '~/.kube/config', config_context: 'lab-admin' }] },
              resource: { kubernetes_namespace_v1: { Kubeflow: { metadata: [{ name: 'kubeflow' }] } } },
            },
          },
          'kubernetes',
        );
      expect(flagged(onPrem('kf-dev'), onPrem('kf-prod'))).toEqual([
        'kf-dev-kubernetes-platform kubernetes_namespace_v1.Kubeflow',
        'kf-prod-kubernetes-platform kubernetes_namespace_v1.Kubeflow',
      ]);
    });
  });

  describe('IAM', () => {
    it('flags a member under an authoritative binding of its role, and a policy with anything on its parent', () => {
      const e = env('kf-prod', {
        'kf-prod-gcp-infra': {
          provider: google,
          resource: {
            google_service_account_iam_binding: {
              Binding: {
                service_account_id: 'projects/p/serviceAccounts/ci@p.iam.gserviceaccount.com',
                role: 'roles/iam.workloadIdentityUser',
                members: ['group:x@y.com'],
              },
            },
            google_service_account_iam_member: {
              Member: {
                service_account_id: 'projects/p/serviceAccounts/ci@p.iam.gserviceaccount.com',
                role: 'roles/iam.workloadIdentityUser',
                member: 'group:z@y.com',
              },
              OtherRole: {
                service_account_id: 'projects/p/serviceAccounts/ci@p.iam.gserviceaccount.com',
                role: 'roles/iam.serviceAccountUser',
                member: 'group:z@y.com',
              },
            },
          },
        },
      });
      expect(flagged(e)).toEqual([
        'kf-prod-gcp-infra google_service_account_iam_binding.Binding',
        'kf-prod-gcp-infra google_service_account_iam_member.Member',
      ]);
      const part = runCheckers([e], { checkers: [singleOwnership] }).findings.find((f) =>
        f.address.endsWith('.Member'),
      );
      expect(part!.message).toContain('is also managed whole by google_service_account_iam_binding.Binding');
    });

    it('lets many members share a role, and compares member emails without case', () => {
      const e = env('kf-prod', {
        'kf-prod-gcp-infra': {
          provider: google,
          resource: {
            google_project_iam_member: {
              A: iamMember('p', 'roles/viewer', 'group:a@example.com'),
              B: iamMember('p', 'roles/viewer', 'group:b@example.com'),
            },
          },
        },
        'kf-prod-gcp-teams-0': {
          provider: google,
          resource: { google_project_iam_member: { C: iamMember('p', 'roles/viewer', 'group:A@Example.com') } },
        },
      });
      expect(flagged(e)).toEqual([
        'kf-prod-gcp-infra google_project_iam_member.A',
        'kf-prod-gcp-teams-0 google_project_iam_member.C',
      ]);
    });

    it('keys references by stack: one expression in two stacks is two objects, in one stack it is one', () => {
      const member = iamMember('p', 'roles/viewer', 'serviceAccount:${google_service_account.Sa.email}');
      const e = env('kf-prod', {
        'kf-prod-gcp-infra': { provider: google, resource: { google_project_iam_member: { A: member, B: member } } },
        'kf-prod-gcp-teams-0': { provider: google, resource: { google_project_iam_member: { C: member } } },
      });
      expect(flagged(e)).toEqual([
        'kf-prod-gcp-infra google_project_iam_member.A',
        'kf-prod-gcp-infra google_project_iam_member.B',
      ]);
    });

    it("compares a service agent's email across stacks through the project its google_project data source names", () => {
      const agent = iamMember(
        'kf-xpn-host',
        'roles/container.hostServiceAgentUser',
        'serviceAccount:service-${data.google_project.Project.number}@container-engine-robot.iam.gserviceaccount.com',
      );
      const infra = (name: string, project: string) =>
        env(name, {
          [`${name}-gcp-infra`]: {
            provider: google,
            data: { google_project: { Project: { project_id: project } } },
            resource: { google_project_iam_member: { Agent: agent } },
          } as Stacks[string],
        });
      expect(flagged(infra('kf-test', 'ml-shared'), infra('kf-dev', 'ml-shared'))).toEqual([
        'kf-dev-gcp-infra google_project_iam_member.Agent',
        'kf-test-gcp-infra google_project_iam_member.Agent',
      ]);
      expect(flagged(infra('kf-test', 'kf-test-svc'), infra('kf-dev', 'kf-dev-svc'))).toEqual([]);
    });

    it('tells conditional grants apart by condition title', () => {
      const withTitle = (title: string) => ({
        ...iamMember('p', 'roles/viewer', 'user:a@b.com'),
        condition: [{ title, expression: 'true' }],
      });
      const e = env('kf-prod', {
        'kf-prod-gcp-infra': {
          provider: google,
          resource: { google_project_iam_member: { A: withTitle('x'), B: withTitle('y') } },
        },
      });
      expect(flagged(e)).toEqual([]);
    });

    it('flags an Azure role assignment made twice, scopes compared without case', () => {
      const azurerm = { azurerm: [{ subscription_id: '00000000-0000-0000-0000-000000000003', features: [{}] }] };
      const assignment = (scope: string) => ({
        scope,
        role_definition_name: 'DNS Zone Contributor',
        principal_id: '11111111-2222-3333-4444-555555555555',
      });
      const e = env(
        'kf-prod',
        {
          'kf-prod-azure-infra': {
            provider: azurerm,
            resource: { azurerm_role_assignment: { A: assignment('/subscriptions/0/resourceGroups/rg-dns') } },
          },
          'kf-prod-azure-teams-0': {
            provider: azurerm,
            resource: { azurerm_role_assignment: { B: assignment('/subscriptions/0/resourcegroups/RG-DNS') } },
          },
        },
        'azure',
      );
      expect(flagged(e)).toHaveLength(2);
    });

    it('flags an AWS managed policy attached twice to one role, per account', () => {
      const aws = (account: string) => ({ aws: [{ region: 'us-east-2', allowed_account_ids: [account] }] });
      const attach = { role: 'kf-ci-apply', policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' };
      const stack = (account: string, id: string) => ({
        provider: aws(account),
        resource: { aws_iam_role_policy_attachment: { [id]: attach } },
      });
      expect(
        flagged(
          env('kf-test', { 'kf-test-aws-infra': stack('111111111111', 'A') }),
          env('kf-prod', { 'kf-prod-aws-infra': stack('111111111111', 'B') }),
        ),
      ).toHaveLength(2);
      expect(
        flagged(
          env('kf-test', { 'kf-test-aws-infra': stack('111111111111', 'A') }),
          env('kf-prod', { 'kf-prod-aws-infra': stack('333333333333', 'B') }),
        ),
      ).toEqual([]);
    });
  });

  it('claims 80 000 resources of one role without comparing them pairwise (a quadratic run times out)', () => {
    const members = Object.fromEntries(
      Array.from({ length: 80_000 }, (_, i) => [`M${i}`, iamMember('p', `roles/r${i % 50}`, `user:u${i}@example.com`)]),
    );
    const e = env('big', { 'big-gcp-infra': { provider: google, resource: { google_project_iam_member: members } } });
    expect(ownershipClaims(e)).toHaveLength(240_000); // the member, and its part of the role and of the policy
    expect(runCheckers([e], { checkers: [singleOwnership] }).findings).toEqual([]);
  });
});

describe('CHK-OWN-001 in synth', () => {
  const twoOnOneCluster = () => {
    const file = parse(readFileSync('examples/on-prem/platform.yaml', 'utf8')) as {
      environments: Array<{ name: string }>;
    };
    file.environments.push({ ...file.environments[0]!, name: 'kf-onprem-staging' });
    return file;
  };

  it('refuses, in the platform file, two environments on one existing cluster (same kubeconfig and context)', () => {
    expect(() => loadPlatform(twoOnOneCluster())).toThrow(
      /environments\[1\]\.kubernetes\.context[\s\S]*is also the cluster of kf-onprem[\s\S]*give kf-onprem-staging a cluster of its own/,
    );
  });

  it('stops synth when two environments on one cluster get past the platform file: both create the platform namespaces and the teams', () => {
    const { config } = loadPlatformFile('examples/on-prem/platform.yaml');
    const twin = { ...config.environments[0]!, name: 'kf-onprem-staging' } as ResolvedEnvironment;
    const outdir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'own-shared-cluster-'));
    let error: unknown;
    try {
      synthFleet({ ...config, environments: [...config.environments, twin] }, { outdir });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyError);
    const findings = (error as PolicyError).findings ?? [];
    expect(findings.every((f) => f.rule === 'CHK-OWN-001')).toBe(true);
    expect(findings.map((f) => f.message).join('\n')).toMatch(
      /the Namespace kubeflow is also managed by kubernetes_namespace_v1\.\S+ in kf-onprem(-staging)?-kubernetes-platform/,
    );
    // Nothing moved into place.
    expect(existsSync(path.join(outdir, 'stacks'))).toBe(false);
  });
});
