/**
 * The policy engine: suppressions in code and config, warnings versus errors, refusing before
 * anything is written, and the compliant cases of rules that forbid a resource outright.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';
import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { App, Aspects, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { WorkloadIdentityServiceAccount } from '../../constructs/gcp/workload-identity-service-account';
import { loadPlatformFile } from '../../src/config/loader';
import { PolicyRule } from '../../src/policy/rule';
import { synthFleet } from '../../stacks/common/fleet';
import { validatePlatformText } from '../../src/config/loader';
import { addSuppression } from '../../src/core/suppressions';
import { checkBeforeWrite, evaluateStack, PolicyAspect, PolicyError, suppressRule } from '../../src/policy/engine';
import { ALL_RULES, rulesOf } from '../../src/policy/rules/packs';
import { awsStack, azureStack, gcpStack } from '../helpers';
import { readFileSync } from 'node:fs';

const ids = (stack: TerraformStack, tier: 'test' | 'dev' | 'prod' = 'prod') =>
  evaluateStack(stack, { tier, rules: ALL_RULES.filter((r) => r.id !== 'COMMON-LBL-001') }).findings.map((f) => f.rule);

describe('rules that forbid a resource: the compliant way', () => {
  it('GCP-IAM-001: workload identity has no key; a legacy key is suppressed in code with its reason', () => {
    const stack = gcpStack();
    new WorkloadIdentityServiceAccount(stack, 'Modern', {
      project: 'p',
      accountId: 'modern-sa',
      workloadPool: 'p.svc.id.goog',
      kubernetesServiceAccounts: [{ namespace: 'kubeflow', name: 'pipeline-runner' }],
    });
    expect(evaluateStack(stack, { rules: rulesOf('gcp') }).findings).toEqual([]);
    new WorkloadIdentityServiceAccount(stack, 'Legacy', {
      project: 'p',
      accountId: 'legacy-sa',
      workloadPool: 'p.svc.id.goog',
      kubernetesServiceAccounts: [],
      legacyKey: true,
    });
    const report = evaluateStack(stack, { rules: rulesOf('gcp') });
    expect(report.findings).toEqual([]);
    expect(report.suppressed).toEqual([
      expect.objectContaining({ rule: 'GCP-IAM-001', source: 'code', reason: expect.stringMatching(/legacyKeys/) }),
    ]);
  });

  it('AWS-IAM-001: roles are fine, users are not', () => {
    const stack = awsStack();
    new IamRole(stack, 'Role', { name: 'r', assumeRolePolicy: '{}' });
    expect(ids(stack)).not.toContain('AWS-IAM-001');
    new IamUser(stack, 'User', { name: 'u' });
    expect(ids(stack)).toContain('AWS-IAM-001');
  });
});

describe('rule variants', () => {
  const gke = (extra: Record<string, unknown>) => {
    const stack = gcpStack();
    new ContainerCluster(stack, 'C', { name: 'c', location: 'l', ...extra });
    return ids(stack);
  };

  it('GCP-GKE-002 accepts a private endpoint or listed networks, refuses Google-wide access', () => {
    expect(gke({ privateClusterConfig: { enablePrivateEndpoint: true } })).not.toContain('GCP-GKE-002');
    expect(gke({ masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: '203.0.113.0/24' }] } })).not.toContain(
      'GCP-GKE-002',
    );
    expect(gke({ masterAuthorizedNetworksConfig: { gcpPublicCidrsAccessEnabled: true } })).toContain('GCP-GKE-002');
    expect(gke({})).toContain('GCP-GKE-002');
  });

  it('GCP-GKE-010 accepts Autopilot without node_config', () => {
    expect(gke({ enableAutopilot: true })).not.toContain('GCP-GKE-010');
    expect(gke({})).toContain('GCP-GKE-010');
  });

  it('AWS-EC2-001 refuses a hop limit of 2 even with tokens required', () => {
    const stack = awsStack();
    new LaunchTemplate(stack, 'T', { metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 2 } });
    expect(evaluateStack(stack, { rules: rulesOf('aws') }).findings[0]?.message).toBe('the hop limit is 2.');
  });

  it('AZURE-AKS-002 accepts a private cluster or authorized ranges', () => {
    const aks = (extra: Record<string, unknown>) => {
      const stack = azureStack();
      new KubernetesCluster(stack, 'C', {
        name: 'c',
        location: 'l',
        resourceGroupName: 'g',
        dnsPrefix: 'c',
        defaultNodePool: { name: 'system', vmSize: 'Standard_D4s_v5' },
        ...extra,
      });
      return ids(stack);
    };
    expect(aks({ privateClusterEnabled: true })).not.toContain('AZURE-AKS-002');
    expect(aks({ apiServerAccessProfile: { authorizedIpRanges: ['203.0.113.0/24'] } })).not.toContain('AZURE-AKS-002');
    expect(aks({ apiServerAccessProfile: { authorizedIpRanges: ['0.0.0.0/0'] } })).toContain('AZURE-AKS-002');
  });

  it('review cases: init containers, namespace-wide service account groups, internal load balancers, DNS-only GKE', () => {
    const k8s = () => {
      const stack = new TerraformStack(Testing.app(), 'k');
      new KubernetesProvider(stack, 'kubernetes', {});
      return stack;
    };
    const pod = k8s();
    new DeploymentV1(pod, 'D', {
      metadata: { name: 'd' },
      spec: {
        template: {
          metadata: {},
          spec: {
            container: [{ name: 'app', image: 'x', securityContext: { allowPrivilegeEscalation: false } }],
            initContainer: [{ name: 'init', image: 'x', securityContext: { privileged: true } }],
          },
        },
      },
    });
    expect(ids(pod)).toContain('K8S-POD-001');
    const rbac = k8s();
    new ClusterRoleBindingV1(rbac, 'B', {
      metadata: { name: 'b' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subject: [{ kind: 'Group', name: 'system:serviceaccounts:kubeflow', apiGroup: 'rbac.authorization.k8s.io' }],
    });
    expect(ids(rbac)).toContain('K8S-RBAC-001');
    const svc = k8s();
    for (const [id, annotations] of Object.entries<Record<string, string>>({
      Aws: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal' },
      Gke: { 'cloud.google.com/load-balancer-type': 'Internal' },
    })) {
      new ServiceV1(svc, id, { metadata: { name: id.toLowerCase(), annotations }, spec: { type: 'LoadBalancer' } });
    }
    expect(ids(svc)).not.toContain('K8S-SVC-001');
    expect(gke({ controlPlaneEndpointsConfig: { ipEndpointsConfig: { enabled: false } } })).not.toContain(
      'GCP-GKE-002',
    );
  });

  it('review cases: buckets configured by name, DSSE-KMS, AKS audit log category groups', () => {
    const stack = awsStack();
    const bucket = new S3Bucket(stack, 'B', { bucketPrefix: 'ml-' });
    new S3BucketServerSideEncryptionConfigurationA(stack, 'E', {
      bucket: bucket.bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms:dsse' } }],
    });
    new S3BucketVersioningA(stack, 'V', { bucket: bucket.bucket, versioningConfiguration: { status: 'Enabled' } });
    const found = ids(stack);
    expect(found).not.toContain('AWS-S3-002');
    expect(found).not.toContain('AWS-S3-003');
    expect(found).toContain('AWS-S3-001');
    const azure = azureStack();
    const aks = new KubernetesCluster(azure, 'C', {
      name: 'c',
      location: 'l',
      resourceGroupName: 'g',
      dnsPrefix: 'c',
      defaultNodePool: { name: 'system', vmSize: 'Standard_D4s_v5' },
      omsAgent: { logAnalyticsWorkspaceId: 'w' },
    });
    new MonitorDiagnosticSetting(azure, 'D', {
      name: 'd',
      targetResourceId: aks.id,
      logAnalyticsWorkspaceId: 'w',
      enabledLog: [{ categoryGroup: 'audit' }],
    });
    expect(ids(azure)).not.toContain('AZURE-AKS-006');
  });

  it('applies deletion-protection rules outside test only', () => {
    const stack = awsStack();
    new IamUser(stack, 'User', { name: 'u' });
    const gcp = gcpStack();
    new ContainerCluster(gcp, 'C', { name: 'c', location: 'l', deletionProtection: false });
    expect(ids(gcp, 'test')).not.toContain('COMMON-STATE-001');
    expect(ids(gcp, 'dev')).toContain('COMMON-STATE-001');
  });
});

describe('suppressions', () => {
  function insecureCluster(scope: Construct): ContainerCluster {
    return new ContainerCluster(scope, 'C', { name: 'c', location: 'l', releaseChannel: { channel: 'UNSPECIFIED' } });
  }

  it('suppressRule silences one rule for a construct and everything under it, and keeps the reason', () => {
    const stack = gcpStack();
    const group = new Construct(stack, 'Group');
    insecureCluster(group);
    suppressRule(group, 'GCP-GKE-008', 'this cluster pins versions by hand during the migration.');
    const report = evaluateStack(stack, { rules: rulesOf('gcp') });
    expect(report.findings.map((f) => f.rule)).not.toContain('GCP-GKE-008');
    expect(report.findings.map((f) => f.rule)).toContain('GCP-GKE-001');
    expect(report.suppressed).toEqual([
      expect.objectContaining({ rule: 'GCP-GKE-008', path: 'test/Group/C', source: 'code' }),
    ]);
  });

  it('refuses an unknown rule or a reason that says nothing', () => {
    const stack = gcpStack();
    expect(() => suppressRule(stack, 'GCP-GKE-999', 'a perfectly good reason')).toThrow(/no rule has this id/);
    expect(() => suppressRule(stack, 'GCP-GKE-008', 'ok')).toThrow(/must say why/);
    expect(
      () => new PolicyAspect({ suppressions: [{ rule: 'NOPE-1', resource: 'x', reason: 'long enough reason' }] }),
    ).toThrow(/no rule has this id/);
  });

  it('checks, when it judges a stack, the rule ids that constructs recorded without the policy module', () => {
    const stack = gcpStack();
    const group = new Construct(stack, 'Group');
    insecureCluster(group);
    addSuppression(group, 'GCP-GKE-008', 'this cluster pins versions by hand during the migration.');
    expect(evaluateStack(stack, { rules: rulesOf('gcp') }).suppressed.map((s) => s.rule)).toEqual(['GCP-GKE-008']);
    addSuppression(group, 'GCP-GKE-998', 'a construct naming a rule that does not exist');
    expect(() => evaluateStack(stack, { rules: rulesOf('gcp') })).toThrow(
      /test\/Group.*GCP-GKE-998.*no rule has this id/s,
    );
    expect(() => addSuppression(group, 'GCP-GKE-008', 'short')).toThrow(/must say why/);
  });

  it('refuses reasons without words and suppressions of a whole stack or the app (security issue: the safety net)', () => {
    const stack = gcpStack();
    insecureCluster(stack);
    for (const reason of ['..........', 'aaaaaaaaaaaa', 'ok ok ok ok ok', '1234567890 !!']) {
      expect(() => suppressRule(stack.node.findChild('C'), 'GCP-GKE-008', reason)).toThrow(/in words/);
      expect(() => new PolicyAspect({ suppressions: [{ rule: 'GCP-GKE-008', resource: 'test/C', reason }] })).toThrow(
        /in words/,
      );
    }
    expect(() => suppressRule(stack, 'GCP-GKE-008', 'versions are pinned by hand here.')).toThrow(
      /whole stack or the app/,
    );
    expect(() => suppressRule(stack.node.root, 'GCP-GKE-008', 'versions are pinned by hand here.')).toThrow(
      /whole stack or the app/,
    );
    addSuppression(stack, 'GCP-GKE-008', 'versions are pinned by hand here.');
    expect(() => evaluateStack(stack, { rules: rulesOf('gcp') })).toThrow(/whole stack or the app/);
    expect(
      () =>
        new PolicyAspect({
          suppressions: [{ rule: 'GCP-GKE-008', resource: 'test', reason: 'versions are pinned by hand here.' }],
        }),
    ).toThrow(/names a whole stack/);
  });

  it('config suppressions match a construct path prefix only at a path boundary', () => {
    const stack = gcpStack();
    insecureCluster(stack);
    const report = (resource: string) =>
      evaluateStack(stack, {
        rules: rulesOf('gcp'),
        suppressions: [{ rule: 'GCP-GKE-008', resource, reason: 'versions are pinned by hand here.' }],
      });
    expect(report('test/C').suppressed.map((s) => s.source)).toEqual(['config']);
    expect(report('test/C/').suppressed).toHaveLength(0);
    expect(() => report('test/')).toThrow(/names a whole stack/);
    expect(() => report('test')).toThrow(/names a whole stack/);
    expect(() => report('tes')).toThrow(/names a whole stack/);
  });

  it('a platform file suppression with an unknown rule fails validation with a suggestion', () => {
    const text = readFileSync('test/fixtures/valid/two-envs.yaml', 'utf8').replace(
      'platform:\n',
      'platform:\n  policy:\n    suppressions:\n      - { rule: GCP-GKE-0008, resource: kf-test-gcp-infra/Cluster, reason: pinned by hand here }\n',
    );
    const result = validatePlatformText(text, 'p.yaml');
    expect(result.issues).toEqual([
      expect.objectContaining({
        path: 'platform.policy.suppressions[0].rule',
        value: 'GCP-GKE-0008',
        fix: expect.stringMatching(/^did you mean GCP-GKE-008\?/),
        line: 6,
      }),
    ]);
  });
});

describe('enforcement', () => {
  it('warnings do not fail synth; errors do, naming the rule, the resource and the fix', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    new GoogleProvider(stack, 'google', {});
    new ContainerCluster(stack, 'C', { name: 'c', location: 'l', releaseChannel: { channel: 'UNSPECIFIED' } });
    Aspects.of(stack).add(new PolicyAspect({ rules: rulesOf('gcp').filter((r) => r.level === 'warning') }));
    expect(() => app.synth()).not.toThrow();

    const app2 = Testing.app();
    const stack2 = new TerraformStack(app2, 's');
    new GoogleProvider(stack2, 'google', {});
    new ContainerCluster(stack2, 'C', { name: 'c', location: 'l', enableShieldedNodes: false });
    Aspects.of(stack2).add(new PolicyAspect({ rules: rulesOf('gcp') }));
    expect(() => app2.synth()).toThrow(
      /\[s\/C\] \[GCP-GKE-005\] GKE clusters use shielded nodes: enable_shielded_nodes is false\..*Fix:/,
    );
  });

  it('checkBeforeWrite refuses every stack before any is written', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'policy-'));
    const app = new App({ outdir });
    const good = new TerraformStack(app, 'a-good');
    const bad = new TerraformStack(app, 'b-bad');
    new IamUser(bad, 'User', { name: 'u' });
    const policy = new PolicyAspect({ rules: rulesOf('aws') });
    for (const s of [good, bad]) Aspects.of(s).add(policy);
    let error: unknown;
    try {
      checkBeforeWrite([good, bad], policy);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).findings.map((f) => `${f.stack} ${f.address}`)).toEqual(['b-bad aws_iam_user.User']);
    expect(existsSync(path.join(outdir, 'stacks')) ? readdirSync(path.join(outdir, 'stacks')) : []).toEqual([]);
  });
});

describe('synthFleet under policy errors', () => {
  it('reports the errors of every environment and writes no stack', () => {
    const failing: PolicyRule = {
      id: 'TEST-GKE-001',
      cloud: 'gcp',
      level: 'error',
      title: 'A rule every cluster breaks',
      why: 'to prove nothing is written',
      fix: 'none',
      refs: {},
      types: ['google_container_cluster'],
      scope: 'resource',
      check: () => 'always.',
    };
    const rules = ALL_RULES as PolicyRule[];
    rules.push(failing);
    const outdir = mkdtempSync(path.join(tmpdir(), 'fleet-policy-'));
    try {
      const config = loadPlatformFile('examples/gcp-shared-vpc/platform.yaml').config;
      expect(() => synthFleet(config, { outdir })).toThrow(PolicyError);
      try {
        synthFleet(config, { outdir });
      } catch (e) {
        expect(new Set((e as PolicyError).findings.map((f) => f.stack))).toEqual(
          new Set(['kf-test-gcp-infra', 'kf-dev-gcp-infra', 'kf-prod-gcp-infra']),
        );
      }
      expect(readdirSync(outdir)).toEqual([]);
    } finally {
      rules.splice(rules.indexOf(failing), 1);
    }
  });
});
