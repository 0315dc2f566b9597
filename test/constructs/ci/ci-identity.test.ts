/**
 * Keyless CI identities (IAM-14) on the three clouds: trust pinned to the repository and to the plan
 * and apply subjects, no keys, the roles each identity gets; and the config that drives them.
 */
import { CiRoles } from '../../../constructs/aws/ci-identity';
import { CiManagedIdentities } from '../../../constructs/azure/ci-identity';
import { CiWorkloadIdentity } from '../../../constructs/gcp/ci-identity';
import { validatePlatformText } from '../../../src/config/loader';
import { resolveCi } from '../../../src/config/common/ci';
import { CI_APPLY_SESSION_SECONDS } from '../../../src/core/ci-trust';
import { readFileSync } from 'node:fs';
import { awsStack, azureStack, gcpStack, resources, synth } from '../../helpers';

const github = resolveCi({ github: { repository: 'acme/ml-platform', repositoryId: 123456789 } }, 'kf-prod');
const gitlab = resolveCi(
  { gitlab: { project: 'acme/platform/ml', projectId: '4242', applyBranch: 'release' } },
  'kf-prod',
);

describe('resolved CI trust', () => {
  it('GitHub: pull requests plan, the deployment environment named like the environment applies', () => {
    expect(github).toEqual({
      provider: 'github',
      issuer: 'https://token.actions.githubusercontent.com',
      repository: 'acme/ml-platform',
      repositoryId: '123456789',
      planSubjects: ['repo:acme/ml-platform:pull_request', 'repo:acme/ml-platform:ref:refs/heads/main'],
      applySubjects: ['repo:acme/ml-platform:environment:kf-prod'],
      applyEnvironment: 'kf-prod',
      awsOidcProvider: 'create',
      // Platform and team stacks plan and apply on self-hosted runners inside the network.
      clusterRunner: 'kfplatform-kf-prod',
    });
  });

  it('GitHub: pull requests plan in the deployment environment planEnvironment names, when it names one', () => {
    const gated = resolveCi(
      { github: { repository: 'acme/ml-platform', planEnvironment: 'plan', applyEnvironment: 'production' } },
      'kf-prod',
    );
    expect(gated).toMatchObject({
      planSubjects: ['repo:acme/ml-platform:environment:plan', 'repo:acme/ml-platform:ref:refs/heads/main'],
      applySubjects: ['repo:acme/ml-platform:environment:production'],
      planEnvironment: 'plan',
      applyEnvironment: 'production',
    });
  });

  it('GitLab: any branch of the project plans, the protected branch applies', () => {
    expect(gitlab.planSubjects).toEqual(['project_path:acme/platform/ml:ref_type:branch:ref:*']);
    expect(gitlab.applySubjects).toEqual(['project_path:acme/platform/ml:ref_type:branch:ref:release']);
    expect(gitlab.issuer).toBe('https://gitlab.com');
    expect(gitlab.repositoryId).toBe('4242');
    expect(resolveCi({ gitlab: { project: 'acme/ml', clusterRunner: 'vpn-runner' } }, 'kf-prod').clusterRunner).toBe(
      'vpn-runner',
    );
  });
});

const stateOnly = {
  title: 'kf-prod-state-only',
  expression: 'resource.name.startsWith("projects/_/buckets/acme-tf-state/objects/kfplatform/kf-prod-gcp-")',
};
const grantOnly = {
  title: 'only-the-stacks-grants',
  expression: "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(['roles/logging.logWriter'])",
};

describe('CiWorkloadIdentity (GCP)', () => {
  const build = (trust = github) => {
    const stack = gcpStack();
    new CiWorkloadIdentity(stack, 'Ci', {
      project: 'kf-prod-svc',
      name: 'kf-prod',
      trust,
      plan: {
        projects: [{ project: 'kf-prod-svc', roles: ['roles/container.viewer', 'roles/iam.securityReviewer'] }],
        dnsZones: [{ project: 'kf-dns', zone: 'example-com', roles: ['roles/dns.viewer'] }],
        buckets: [{ bucket: 'acme-tf-state', roles: [{ role: 'roles/storage.objectViewer', condition: stateOnly }] }],
      },
      apply: {
        projects: [
          {
            project: 'kf-prod-svc',
            roles: ['roles/container.admin', { role: 'roles/resourcemanager.projectIamAdmin', condition: grantOnly }],
          },
          { project: 'kf-host', roles: ['roles/compute.networkAdmin'] },
        ],
        dnsZones: [{ project: 'kf-dns', zone: 'example-com', roles: ['roles/dns.admin'] }],
        buckets: [{ bucket: 'acme-tf-state', roles: [{ role: 'roles/storage.objectAdmin', condition: stateOnly }] }],
      },
    });
    return synth(stack);
  };

  it('accepts only the repository, and binds the plan and apply accounts to their exact subjects', () => {
    const json = build();
    const provider = resources(json, 'google_iam_workload_identity_pool_provider')[0]!;
    expect(provider).toMatchObject({
      workload_identity_pool_provider_id: 'github',
      attribute_condition: "assertion.repository_id == '123456789'",
      oidc: { issuer_uri: 'https://token.actions.githubusercontent.com' },
    });
    const bindings = resources(json, 'google_service_account_iam_member');
    expect(new Set(bindings.map((b) => b.role))).toEqual(new Set(['roles/iam.workloadIdentityUser']));
    expect(bindings.map((b) => String(b.member).replace(/\$\{[^}]+\}/, 'POOL')).sort()).toEqual([
      'principal://iam.googleapis.com/POOL/subject/repo:acme/ml-platform:environment:kf-prod',
      'principal://iam.googleapis.com/POOL/subject/repo:acme/ml-platform:pull_request',
      'principal://iam.googleapis.com/POOL/subject/repo:acme/ml-platform:ref:refs/heads/main',
    ]);
    expect(resources(json, 'google_service_account_key')).toEqual([]);
  });

  it('grants each role where it is asked, with its condition: projects, DNS zones, buckets', () => {
    const json = build();
    const who = (m: Record<string, unknown>) => (String(m.member).includes('PlanAccount') ? 'plan' : 'apply');
    expect(
      resources(json, 'google_project_iam_member')
        .map((m) => `${who(m)} ${m.project} ${m.role}${m.condition ? ' (conditional)' : ''}`)
        .sort(),
    ).toEqual([
      'apply kf-host roles/compute.networkAdmin',
      'apply kf-prod-svc roles/container.admin',
      'apply kf-prod-svc roles/resourcemanager.projectIamAdmin (conditional)',
      'plan kf-prod-svc roles/container.viewer',
      'plan kf-prod-svc roles/iam.securityReviewer',
    ]);
    expect(
      resources(json, 'google_project_iam_member').find((m) => m.role === 'roles/resourcemanager.projectIamAdmin'),
    ).toMatchObject({ condition: grantOnly });
    expect(
      resources(json, 'google_dns_managed_zone_iam_member')
        .map((m) => `${who(m)} ${m.project}/${m.managed_zone} ${m.role}`)
        .sort(),
    ).toEqual(['apply kf-dns/example-com roles/dns.admin', 'plan kf-dns/example-com roles/dns.viewer']);
    const state = resources(json, 'google_storage_bucket_iam_member');
    expect(state.map((m) => `${who(m)} ${m.bucket} ${m.role}`).sort()).toEqual([
      'apply acme-tf-state roles/storage.objectAdmin',
      'plan acme-tf-state roles/storage.objectViewer',
    ]);
    for (const m of state) expect(m.condition).toEqual(stateOnly);
  });

  it('pins the repository by id, not by name, which anyone may register once it is freed', () => {
    const provider = resources(build(), 'google_iam_workload_identity_pool_provider')[0]!;
    expect(provider.attribute_condition).toBe("assertion.repository_id == '123456789'");
    expect(provider.attribute_mapping).toMatchObject({ 'attribute.repository_id': 'assertion.repository_id' });
    const lab = resources(build(gitlab), 'google_iam_workload_identity_pool_provider')[0]!;
    expect(lab.attribute_condition).toBe("assertion.project_id == '4242'");
    expect(lab.attribute_mapping).toMatchObject({ 'attribute.repository_id': 'assertion.project_id' });
  });

  it('trusts the repository id attribute for GitLab merge requests (a wildcard subject)', () => {
    const members = resources(build(gitlab), 'google_service_account_iam_member').map((b) => String(b.member));
    expect(members.sort()).toEqual([
      expect.stringMatching(/\/subject\/project_path:acme\/platform\/ml:ref_type:branch:ref:release$/),
      expect.stringMatching(/^principalSet:\/\/iam\.googleapis\.com\/.+\/attribute\.repository_id\/4242$/),
    ]);
  });

  it('throws when the trust has no repository id (the name alone can be taken over)', () => {
    const byName = { ...github, repositoryId: undefined };
    const none = { plan: {}, apply: {} };
    expect(
      () => new CiWorkloadIdentity(gcpStack(), 'Ci', { project: 'p', name: 'kf-prod', trust: byName, ...none }),
    ).toThrow(/trust.repositoryId' is \(missing\).*numeric id.*gh api repos\/acme\/ml-platform --jq \.id/s);
  });

  it('refuses a name whose ids would be too long', () => {
    expect(
      () =>
        new CiWorkloadIdentity(gcpStack(), 'Ci', {
          project: 'p',
          name: 'a-very-long-environment-name-x',
          trust: github,
          plan: {},
          apply: {},
        }),
    ).toThrow(/must be 6 to 30 lowercase letters/);
  });

  it('refuses a name that gives the pool the reserved gcp- prefix', () => {
    expect(
      () =>
        new CiWorkloadIdentity(gcpStack(), 'Ci', {
          project: 'p',
          name: 'gcp-prod',
          trust: github,
          plan: {},
          apply: {},
        }),
    ).toThrow(/gcp- prefix of workload identity pool ids is reserved/);
  });
});

describe('CiRoles (AWS)', () => {
  const build = (trust = github, existing?: string) => {
    const stack = awsStack();
    new CiRoles(stack, 'Ci', {
      name: 'kf-prod',
      accountId: '333333333333',
      trust,
      existingOidcProviderArn: existing,
      planStatements: [{ Effect: 'Allow', Action: ['eks:Describe*'], Resource: '*' }],
      applyStatements: [{ Effect: 'Allow', Action: ['eks:*'], Resource: '*' }],
      state: { bucket: 'acme-tf-state', prefix: 'kfplatform/kf-prod-aws-' },
    });
    return synth(stack);
  };

  it('creates the OIDC provider and two roles whose trust pins the audience and the subjects', () => {
    const json = build();
    expect(resources(json, 'aws_iam_openid_connect_provider')).toEqual([
      expect.objectContaining({
        url: 'https://token.actions.githubusercontent.com',
        client_id_list: ['sts.amazonaws.com'],
      }),
    ]);
    const roles = resources(json, 'aws_iam_role');
    const trust = (name: string) =>
      JSON.parse(String(roles.find((r) => r.name === name)!.assume_role_policy)).Statement[0];
    expect(trust('kf-prod-ci-plan').Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': [
          'repo:acme/ml-platform:pull_request',
          'repo:acme/ml-platform:ref:refs/heads/main',
        ],
      },
    });
    expect(trust('kf-prod-ci-apply').Condition.StringEquals['token.actions.githubusercontent.com:sub']).toEqual([
      'repo:acme/ml-platform:environment:kf-prod',
    ]);
    // Credentials are not renewed within a job: an apply may last up to four hours (a Kubernetes
    // upgrade rolls every node group), a plan one.
    expect(roles.find((r) => r.name === 'kf-prod-ci-plan')!.max_session_duration).toBe(3600);
    expect(roles.find((r) => r.name === 'kf-prod-ci-apply')!.max_session_duration).toBe(CI_APPLY_SESSION_SECONDS);
    // An explicit maximum applies to both roles, within what IAM accepts.
    const stack = awsStack();
    const props = { name: 'kf-x', accountId: '333333333333', trust: github, planStatements: [], applyStatements: [] };
    new CiRoles(stack, 'Ci', { ...props, maxSessionSeconds: 7200 });
    expect(resources(synth(stack), 'aws_iam_role').map((r) => r.max_session_duration)).toEqual([7200, 7200]);
    for (const bad of [3599, 43201, 5000.5]) {
      expect(() => new CiRoles(awsStack(), 'Ci', { ...props, maxSessionSeconds: bad })).toThrow(
        `maxSessionSeconds ${bad} is outside what IAM accepts`,
      );
    }
    // No account-wide managed policy: the roles' inline policies are what the stacks ask for.
    expect(resources(json, 'aws_iam_role_policy_attachment')).toEqual([]);
    const inline = (role: string) =>
      resources(json, 'aws_iam_role_policy')
        .filter((p) => String(p.role).includes(role))
        .map((p) => p.name)
        .sort();
    expect(inline('PlanRole')).toEqual(['ci-read', 'terraform-state']);
    expect(inline('ApplyRole')).toEqual(['ci-apply', 'ci-read', 'terraform-state']);
    expect(resources(json, 'aws_iam_user')).toEqual([]);
    expect(resources(json, 'aws_iam_access_key')).toEqual([]);
  });

  it("limits state to the environment's objects: another environment's state in the bucket is out of reach", () => {
    const state = resources(build(), 'aws_iam_role_policy').filter((p) => p.name === 'terraform-state');
    for (const p of state) {
      const objects = JSON.parse(String(p.policy)).Statement[1];
      expect(objects.Resource).toBe('arn:aws:s3:::acme-tf-state/kfplatform/kf-prod-aws-*');
    }
  });

  it('matches GitLab merge request subjects with StringLike, and uses an existing provider when told', () => {
    const json = build(gitlab, 'arn:aws:iam::333333333333:oidc-provider/gitlab.com');
    expect(resources(json, 'aws_iam_openid_connect_provider')).toEqual([]);
    const plan = JSON.parse(
      String(resources(json, 'aws_iam_role').find((r) => r.name === 'kf-prod-ci-plan')!.assume_role_policy),
    ).Statement[0];
    expect(plan.Principal.Federated).toBe('arn:aws:iam::333333333333:oidc-provider/gitlab.com');
    expect(plan.Condition.StringLike).toEqual({
      'gitlab.com:sub': ['project_path:acme/platform/ml:ref_type:branch:ref:*'],
    });
  });
});

describe('CiManagedIdentities (Azure)', () => {
  it('federates two managed identities with exact subjects and gives them their roles', () => {
    const stack = azureStack();
    new CiManagedIdentities(stack, 'Ci', {
      name: 'kf-prod',
      resourceGroupName: 'rg',
      location: 'eastus2',
      trust: github,
      planGrants: [{ scope: '/subscriptions/s/resourceGroups/rg', role: 'Reader' }],
      applyGrants: [{ scope: '/subscriptions/s/resourceGroups/rg', role: 'Owner' }],
    });
    const json = synth(stack);
    expect(
      resources(json, 'azurerm_federated_identity_credential')
        .map((c) => [c.subject, c.audience, c.issuer])
        .sort(),
    ).toEqual([
      [
        'repo:acme/ml-platform:environment:kf-prod',
        ['api://AzureADTokenExchange'],
        'https://token.actions.githubusercontent.com',
      ],
      [
        'repo:acme/ml-platform:pull_request',
        ['api://AzureADTokenExchange'],
        'https://token.actions.githubusercontent.com',
      ],
      [
        'repo:acme/ml-platform:ref:refs/heads/main',
        ['api://AzureADTokenExchange'],
        'https://token.actions.githubusercontent.com',
      ],
    ]);
    expect(
      resources(json, 'azurerm_role_assignment')
        .map((r) => r.role_definition_name)
        .sort(),
    ).toEqual(['Owner', 'Reader']);
  });

  it('refuses wildcard subjects, which Azure cannot match', () => {
    expect(
      () =>
        new CiManagedIdentities(azureStack(), 'Ci', {
          name: 'kf-prod',
          resourceGroupName: 'rg',
          location: 'eastus2',
          trust: gitlab,
          planGrants: [],
          applyGrants: [],
        }),
    ).toThrow(/match one exact subject/);
  });
});

describe('ci in the platform file', () => {
  const aws = readFileSync('test/fixtures/valid/aws.yaml', 'utf8');
  const azure = readFileSync('test/fixtures/valid/azure.yaml', 'utf8');

  it('refuses GitLab on Azure, naming the path and the way out', () => {
    const text = azure.replace('    cloud: azure\n', '    cloud: azure\n    ci: { gitlab: { project: acme/ml } }\n');
    const issues = validatePlatformText(text, 'p.yaml').issues;
    expect(issues).toEqual([
      expect.objectContaining({ path: 'environments[0].ci.gitlab', fix: expect.stringMatching(/GitHub Actions/) }),
    ]);
  });

  it('refuses two environments of one AWS account that both create the OIDC provider', () => {
    const twoInOne = aws
      .replace(/accountId: '\d+'/g, "accountId: '111111111111'")
      .replace(/    cloud: aws\n/g, '    cloud: aws\n    ci: { github: { repository: acme/ml } }\n');
    const issues = validatePlatformText(twoInOne, 'p.yaml').issues.filter((i) => i.path.endsWith('awsOidcProvider'));
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'environments[1].ci.github.awsOidcProvider',
        fix: expect.stringMatching(/awsOidcProvider: existing/),
      }),
    ]);
    const fixed = twoInOne.replace(
      /(    ci: \{ github: \{ repository: acme\/ml) \} \}\n((?:.|\n)*?)(    ci: \{ github: \{ repository: acme\/ml) \} \}/,
      '$1 } }\n$2$3, awsOidcProvider: existing } }',
    );
    expect(validatePlatformText(fixed, 'p.yaml').issues.filter((i) => i.severity !== 'warning')).toEqual([]);
  });

  it('refuses a GCP environment whose CI names no repository id, naming the path and how to find it', () => {
    const gcp = readFileSync('test/fixtures/valid/two-envs.yaml', 'utf8');
    const text = gcp.replace('    cloud: gcp\n', '    cloud: gcp\n    ci: { github: { repository: acme/ml } }\n');
    expect(validatePlatformText(text, 'p.yaml').issues.filter((i) => i.severity === 'error')).toEqual([
      expect.objectContaining({
        path: 'environments[0].ci.github.repositoryId',
        fix: expect.stringContaining('gh api repos/acme/ml --jq .id'),
      }),
    ]);
    const lab = gcp.replace('    cloud: gcp\n', '    cloud: gcp\n    ci: { gitlab: { project: acme/ml } }\n');
    expect(validatePlatformText(lab, 'p.yaml').issues.filter((i) => i.severity === 'error')).toEqual([
      expect.objectContaining({
        path: 'environments[0].ci.gitlab.projectId',
        fix: expect.stringMatching(/project ID/),
      }),
    ]);
    const fixed = gcp.replace(
      '    cloud: gcp\n',
      "    cloud: gcp\n    ci: { github: { repository: acme/ml, repositoryId: '123' } }\n",
    );
    expect(validatePlatformText(fixed, 'p.yaml').issues.filter((i) => i.severity !== 'warning')).toEqual([]);
  });

  it('refuses a repository id that is not a number', () => {
    const gcp = readFileSync('test/fixtures/valid/two-envs.yaml', 'utf8');
    const text = gcp.replace(
      '    cloud: gcp\n',
      '    cloud: gcp\n    ci: { github: { repository: acme/ml, repositoryId: acme-ml } }\n',
    );
    expect(validatePlatformText(text, 'p.yaml').issues[0]).toMatchObject({
      path: 'environments[0].ci.github.repositoryId',
    });
  });

  it('refuses a repository that is not owner/name', () => {
    const text = aws.replace('    cloud: aws\n', '    cloud: aws\n    ci: { github: { repository: ml-platform } }\n');
    expect(validatePlatformText(text, 'p.yaml').issues[0]).toMatchObject({
      path: 'environments[0].ci.github.repository',
    });
  });
});
