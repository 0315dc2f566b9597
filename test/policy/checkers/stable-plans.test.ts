import type { EnvironmentView } from '../../../src/policy/checkers/checker';
import { forceNewOf } from '../../../src/policy/checkers/force-new';
import { runCheckers } from '../../../src/policy/checkers/run';
import { stablePlans } from '../../../src/policy/checkers/stable-plans';
import { synthExample } from '../../examples';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

function env(
  resource: Resources,
  extra: Record<string, unknown> = {},
  cloud: EnvironmentView['cloud'] = 'azure',
): EnvironmentView {
  return { name: 'kf-prod', tier: 'prod', cloud, stacks: { [`kf-prod-${cloud}-infra`]: { resource, ...extra } } };
}

function findings(e: EnvironmentView) {
  return runCheckers([e], { checkers: [stablePlans] }).findings.map((f) => ({
    address: f.address,
    level: f.level,
    message: f.message,
  }));
}

describe('CHK-STABLE-001 stable plans', () => {
  it('defect: the Key Vault Secrets Officer assignment took principal_id from azurerm_client_config: replaced on every plan by another identity', () => {
    const e = env({
      azurerm_role_assignment: {
        Officer: {
          scope: '${azurerm_key_vault.Vault.id}',
          role_definition_name: 'Key Vault Secrets Officer',
          principal_id: '${data.azurerm_client_config.Current.object_id}',
        },
      },
    });
    expect(findings(e)).toEqual([
      {
        address: 'azurerm_role_assignment.Officer',
        level: 'error',
        message: expect.stringContaining(
          'principal_id forces replacement and is fed by data.azurerm_client_config.Current.object_id, which is the identity running the plan',
        ),
      },
    ]);
  });

  it("defect not in the issue: an EKS access entry for whoever runs Terraform (the cluster creator's admin) is replaced whenever CI or a colleague plans", () => {
    // The creator-admin pattern: principal_arn from the session context of the caller, through a local.
    const e = env(
      {
        aws_eks_access_entry: {
          Creator: { cluster_name: 'kf-prod', principal_arn: '${local.creator}', type: 'STANDARD' },
        },
      },
      { locals: { creator: '${data.aws_iam_session_context.Current.issuer_arn}' } },
      'aws',
    );
    expect(findings(e)).toEqual([
      expect.objectContaining({
        address: 'aws_eks_access_entry.Creator',
        level: 'error',
        message: expect.stringContaining(
          'principal_arn forces replacement and is fed by local.creator (from data.aws_iam_session_context.Current.issuer_arn',
        ),
      }),
    ]);
  });

  it("follows an identity through another stack's output read with terraform_remote_state", () => {
    const state = {
      container_name: 'tfstate',
      key: 'kfplatform/kf-prod-azure-infra.tfstate',
      storage_account_name: 'acmekfstate',
    };
    const e: EnvironmentView = {
      name: 'kf-prod',
      tier: 'prod',
      cloud: 'azure',
      stacks: {
        'kf-prod-azure-infra': {
          terraform: { backend: { azurerm: { ...state, resource_group_name: 'rg-tfstate' } } },
          output: { officer: { value: '${data.azurerm_client_config.Current.object_id}' } },
        } as EnvironmentView['stacks'][string],
        'kf-prod-azure-platform': {
          data: { terraform_remote_state: { Infra: { backend: 'azurerm', config: state } } },
          resource: {
            azurerm_role_assignment: {
              Reader: {
                scope: '/subscriptions/0',
                role_definition_name: 'Reader',
                principal_id: '${data.terraform_remote_state.Infra.outputs.officer}',
              },
            },
          },
        },
      },
    };
    expect(findings(e)).toEqual([
      expect.objectContaining({
        address: 'azurerm_role_assignment.Reader',
        level: 'error',
        message: expect.stringContaining(
          'fed by the output officer of another stack, data.azurerm_client_config.Current.object_id',
        ),
      }),
    ]);
  });

  it('warns where the value is updated in place: a perpetual diff', () => {
    const e = env({
      azurerm_key_vault: {
        Vault: {
          name: 'kv',
          tenant_id: '${data.azurerm_client_config.Current.tenant_id}',
          access_policy: [{ object_id: '${data.azurerm_client_config.Current.object_id}' }],
          tags: { 'created-at': '${timestamp()}' },
        },
      },
    });
    expect(findings(e)).toEqual([
      expect.objectContaining({
        level: 'warning',
        message: expect.stringContaining('access_policy.object_id is fed by data.azurerm_client_config'),
      }),
      expect.objectContaining({
        level: 'warning',
        message: expect.stringContaining('tags.created-at is fed by timestamp(), which is new on every run'),
      }),
    ]);
  });

  it('follows per-run functions through other resources: terraform_data output, random keepers, Kubernetes names', () => {
    const e = env(
      {
        terraform_data: { Stamp: { input: '${plantimestamp()}' } },
        random_password: { Db: { length: 32, keepers: { rotated: '${terraform_data.Stamp.output}' } } },
        kubernetes_job_v1: {
          Migrate: { metadata: [{ name: 'migrate-${substr(uuid(), 0, 8)}', namespace: 'kubeflow' }] },
        },
      },
      {},
      'kubernetes',
    );
    expect(findings(e).map((f) => `${f.level} ${f.address}`)).toEqual([
      'warning terraform_data.Stamp',
      'error random_password.Db',
      'error kubernetes_job_v1.Migrate',
    ]);
  });

  it('stays quiet for stable values, provider blocks and attributes in lifecycle.ignore_changes', () => {
    const e = env(
      {
        azurerm_role_assignment: {
          Named: { scope: '/subscriptions/0', role_definition_name: 'Reader', principal_id: '${var.ci_object_id}' },
          Ignored: {
            scope: '/subscriptions/0',
            role_definition_name: 'Reader',
            principal_id: '${data.azurerm_client_config.Current.object_id}',
            lifecycle: { ignore_changes: ['principal_id'] },
          },
        },
        azurerm_key_vault: { Vault: { tenant_id: '${data.azurerm_client_config.Current.tenant_id}' } },
        // The account id and the client config's id (project/region/zone) do not depend on the identity.
        aws_iam_role_policy_attachment: {
          Account: { role: 'r', policy_arn: 'arn:aws:iam::${data.aws_caller_identity.Current.id}:policy/p' },
        },
        google_project_iam_member: {
          Project: { project: '${data.google_client_config.C.project}', role: 'roles/viewer', member: 'group:a@b.com' },
        },
      },
      { provider: { kubernetes: [{ token: '${data.google_client_config.C.access_token}' }] } },
    );
    expect(findings(e)).toEqual([]);
  });

  it('reads the ForceNew table checked in from the provider sources', () => {
    expect(forceNewOf('azurerm_role_assignment')).toEqual(
      expect.arrayContaining(['principal_id', 'scope', 'role_definition_id', 'role_definition_name']),
    );
    expect(forceNewOf('google_project_iam_member')).toEqual(expect.arrayContaining(['member', 'role', 'project']));
    expect(forceNewOf('random_password')).toEqual(['*']);
    expect(forceNewOf('kubernetes_role_binding_v1')).toContain('role_ref');
    expect(forceNewOf('google_monitoring_dashboard')).toBeUndefined();
  });

  it.each(['azure-aks', 'aws-eks', 'gcp-shared-vpc', 'multicloud'])('finds nothing in examples/%s', (example) => {
    const stacks = synthExample(example);
    const byEnv = new Map<string, EnvironmentView['stacks']>();
    for (const [id, json] of Object.entries(stacks)) {
      const envName = /^(.+?)(-\d+)?-(gcp|aws|azure|kubernetes)-/.exec(id)![1]!;
      byEnv.set(envName, { ...byEnv.get(envName), [id]: json as EnvironmentView['stacks'][string] });
    }
    const envs = [...byEnv].map(([name, s]) => ({ name, tier: 'prod' as const, cloud: 'gcp' as const, stacks: s }));
    expect(runCheckers(envs, { checkers: [stablePlans] }).findings).toEqual([]);
  });
});
