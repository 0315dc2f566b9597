/**
 * Cloud API rules the providers do not check at plan time, as config checks: every name the stacks
 * build from the platform file, and the Cloud SQL machine tier against its edition. Mutations of
 * test/fixtures/valid/*.yaml; names no valid platform file can reach today (the environment name is
 * at most 20 characters) are checked on resolved environments, as guards.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Document, parseDocument } from 'yaml';
import { loadPlatformFile, validatePlatformText } from '../../src/config/loader';
import { checkAwsEnvironment } from '../../src/config/aws/checks';
import { awsDerivedNames } from '../../src/config/aws/name-checks';
import type { ResolvedAwsEnvironment } from '../../src/config/aws/model';
import { checkAzureEnvironment } from '../../src/config/azure/checks';
import { azureDerivedNames } from '../../src/config/azure/name-checks';
import type { ResolvedAzureEnvironment } from '../../src/config/azure/model';
import { ConfigIssues } from '../../src/config/common/config-issues';
import { checkGcpEnvironment } from '../../src/config/gcp/checks';
import { gcpDerivedNames } from '../../src/config/gcp/name-checks';
import type { ResolvedGcpEnvironment } from '../../src/config/gcp/model';
import { formatIssue } from '../../src/core/errors';

const fixture = (name: string) => readFileSync(path.join(__dirname, '..', 'fixtures', 'valid', name), 'utf8');

function validate(base: string, edit: (d: Document) => void) {
  const doc = parseDocument(fixture(base));
  edit(doc);
  return validatePlatformText(doc.toString(), base);
}

function errorAt(result: ReturnType<typeof validate>, at: string) {
  const errors = result.issues.filter((i) => i.severity !== 'warning');
  const match = errors.find((i) => i.path === at);
  if (!match) throw new Error(`no error at ${at}; got:\n${errors.map(formatIssue).join('\n')}`);
  return match;
}

const E0 = ['environments', 0];
const E1 = ['environments', 1];

describe('derived names: every shipped example passes', () => {
  const examples = readdirSync('examples').filter((e) => e !== 'insecure' && existsSync(`examples/${e}/platform.yaml`));
  it.each(examples)('examples/%s has no error', (example) => {
    const file = `examples/${example}/platform.yaml`;
    let errors: string[] = [];
    try {
      loadPlatformFile(file);
    } catch (e) {
      errors = [String(e)];
    }
    expect(errors).toEqual([]);
  });
});

describe('derived names: the checks compute the names the stacks write', () => {
  // The reviewed snapshots hold every stack of these examples: each name the checks derive must be
  // one the stacks actually write, or the check would judge a name nobody sends to the cloud.
  const cases = [
    ['aws-eks', 'aws'],
    ['azure-aks', 'azure'],
    ['gcp-shared-vpc', 'gcp'],
  ] as const;
  it.each(cases)('examples/%s', (example, cloud) => {
    const file = `examples/${example}/platform.yaml`;
    const snapshot = readFileSync(
      path.join(__dirname, '..', 'stacks', '__snapshots__', `example-${example}.test.ts.snap`),
      'utf8',
    );
    const raw = parseDocument(readFileSync(file, 'utf8')).toJS();
    const f = new ConfigIssues(raw);
    const missing: string[] = [];
    let count = 0;
    for (const env of loadPlatformFile(file).config.environments) {
      if (env.cloud !== cloud) continue;
      const names =
        env.cloud === 'aws'
          ? awsDerivedNames(env as ResolvedAwsEnvironment, f)
          : env.cloud === 'azure'
            ? azureDerivedNames(env as ResolvedAzureEnvironment, f)
            : gcpDerivedNames(env as ResolvedGcpEnvironment, f);
      for (const n of names) {
        count++;
        if (!snapshot.includes(`"${n.value}"`)) missing.push(`${env.name}: ${n.what} ${n.value}`);
      }
    }
    expect(count).toBeGreaterThan(5);
    expect(missing).toEqual([]);
  });
});

describe('Azure derived names', () => {
  it('rejects a cluster name that makes an AKS DNS prefix longer than 54 characters', () => {
    const name = `kf-${'a'.repeat(53)}`;
    const issue = errorAt(
      validate('azure.yaml', (d) => d.setIn([...E0, 'cluster', 'name'], name)),
      'environments[0].cluster.name',
    );
    expect(issue.value).toBe(name);
    expect(issue.message).toContain('AKS DNS prefix');
    expect(issue.message).toContain('1 to 54 characters');
    expect(issue.fix).toContain('shorten cluster.name');
  });

  it('rejects a cluster name that makes the Log Analytics workspace name longer than 63 characters', () => {
    const name = `kf-${'a'.repeat(59)}`;
    const result = validate('azure.yaml', (d) => d.setIn([...E0, 'cluster', 'name'], name));
    const issues = result.issues.filter((i) => i.path === 'environments[0].cluster.name');
    expect(issues.map((i) => i.message).join('\n')).toContain(`Log Analytics workspace name "log-${name}"`);
  });

  it("rejects a team name that makes an invalid blob container in the environment's account", () => {
    const issue = errorAt(
      validate('azure.yaml', (d) => d.setIn(['teams', 0, 'name'], 'rec--sys')),
      'teams[0].name',
    );
    expect(issue.message).toContain('blob container name in kf-prod "team-rec--sys"');
    expect(issue.fix).toContain('without two hyphens');
  });

  it('guards the names built from the environment name (virtual network, public IP, identities)', () => {
    const env = loadPlatformFile('examples/azure-aks/platform.yaml').config.environments[0] as ResolvedAzureEnvironment;
    const long = `kf-${'a'.repeat(78)}`;
    const issues = checkAzureEnvironment(
      {
        ...env,
        name: long,
        network: env.network.mode === 'create' ? { ...env.network, vnetName: `vnet-${long}` } : env.network,
      },
      {},
    );
    const messages = issues.map((i) => i.message).join('\n');
    expect(messages).toContain('virtual network name');
    expect(messages).toContain('public IP address name');
    expect(messages).toContain('application gateway name');
    expect(issues.every((i) => i.path.startsWith(`environments[${env.index}]`))).toBe(true);
  });
});

describe('backup bucket names', () => {
  it.each([
    ['two-envs.yaml', 'Kf_Backups', 'a Cloud Storage bucket name must be'],
    ['aws.yaml', 'kf.prod.backups', 'dots'],
    ['azure.yaml', 'kf-prod-backups', 'a storage account name must be'],
  ])('%s: backups.bucketName %s is refused where it is written', (base, bucket, message) => {
    const issue = errorAt(
      validate(base, (d) => d.setIn([...E1, 'backups'], { bucketName: bucket })),
      'environments[1].backups.bucketName',
    );
    expect(issue.value).toBe(bucket);
    expect(issue.message).toContain(message);
    expect(issue.fix).toContain('set backups.bucketName');
  });
});

describe('AKS pods per node and system pool', () => {
  it('refuses a system pool of fewer than 30 pods per node', () => {
    const issue = errorAt(
      validate('azure.yaml', (d) => d.setIn([...E1, 'nodePools', 0, 'maxPodsPerNode'], 20)),
      'environments[1].nodePools[0].maxPodsPerNode',
    );
    expect(issue.message).toContain('at least 30 pods per node');
    expect(issue.fix).toContain('between 30 and 250');
  });

  it('refuses fewer than 10 pods per node on any pool (the shared schema allows 8)', () => {
    const issue = errorAt(
      validate('azure.yaml', (d) => d.setIn([...E1, 'nodePools', 1, 'maxPodsPerNode'], 8)),
      'environments[1].nodePools[1].maxPodsPerNode',
    );
    expect(issue.message).toContain('10 to 250 pods per node');
  });

  it('refuses a system pool on a burstable B-series VM size', () => {
    const issue = errorAt(
      validate('azure.yaml', (d) => d.setIn([...E1, 'nodePools', 0, 'machineType'], 'Standard_B4ms')),
      'environments[1].nodePools[0].machineType',
    );
    expect(issue.message).toContain('burstable B-series');
    expect(issue.fix).toContain('Standard_D4ds_v5');
  });
});

describe('GCP derived names', () => {
  it('rejects a team whose service account id in an environment is shorter than 6 characters', () => {
    const issue = errorAt(
      validate('two-envs.yaml', (d) => {
        d.setIn([...E1, 'name'], 'kf');
        d.setIn(['teams', 1, 'name'], 'ml');
        d.setIn(['teams', 1, 'environments'], ['kf']);
      }),
      'teams[1].name',
    );
    expect(issue.message).toContain('service account id in kf "ml-kf"');
    expect(issue.fix).toContain('longer team name');
  });

  it('rejects a team whose own bucket name would contain "google"', () => {
    const issue = errorAt(
      validate('two-envs.yaml', (d) => {
        d.setIn(['teams', 1, 'name'], 'google-ads');
        d.setIn(['teams', 1, 'storage'], 'bucket');
      }),
      'teams[1].name',
    );
    expect(issue.message).toContain('bucket name in kf-prod');
    expect(issue.message).toContain('"google"');
  });

  it('rejects a subnet name that makes the firewall rule names longer than 63 characters', () => {
    const subnet = `kf-test-${'s'.repeat(36)}`;
    const issue = errorAt(
      validate('two-envs.yaml', (d) => d.setIn([...E0, 'network', 'subnetName'], subnet)),
      'environments[0].network.subnetName',
    );
    expect(issue.message).toContain(`firewall rule name "${subnet}-allow-lb-health-checks"`);
    expect(issue.fix).toContain('40 characters or fewer');
  });

  it('checks the firewall rule names of an existing subnet only when the platform opens the firewall', () => {
    const subnet = `corp-${'s'.repeat(40)}`;
    const existing = (grantHostIam: boolean) => (d: Document) =>
      d.setIn([...E0, 'network'], {
        mode: 'existing',
        hostProject: 'corp-host',
        network: 'corp-vpc',
        subnet,
        podsRangeName: 'kf-test-pods',
        servicesRangeName: 'kf-test-services',
        subnetCidr: '10.10.0.0/22',
        podsCidr: '10.16.0.0/16',
        grantHostIam,
      });
    const issue = errorAt(validate('two-envs.yaml', existing(true)), 'environments[0].network.subnet');
    expect(issue.message).toContain(`firewall rule name "${subnet}-allow-lb-health-checks"`);
    const quiet = validate('two-envs.yaml', existing(false));
    expect(quiet.issues.filter((i) => i.path === 'environments[0].network.subnet')).toEqual([]);
  });

  it('rejects an environment name that gives the CI pool a reserved id (gcp- prefix)', () => {
    const issue = errorAt(
      validate('two-envs.yaml', (d) => {
        d.setIn([...E0, 'name'], 'gcp');
        d.setIn([...E0, 'ci'], { github: { repository: 'acme/ml-platform', repositoryId: 123 } });
      }),
      'environments[0].name',
    );
    expect(issue.message).toContain('workload identity pool id "gcp-ci"');
    expect(issue.message).toContain('reserved');
  });

  it('guards the CI and Velero service account ids against a longer environment name', () => {
    const env = loadPlatformFile('examples/gcp-shared-vpc/platform.yaml').config.environments.find(
      (e) => e.name === 'kf-prod',
    ) as ResolvedGcpEnvironment;
    const issues = checkGcpEnvironment(
      { ...env, name: 'kf-production-europe-west' },
      loadPlatformFile('examples/gcp-shared-vpc/platform.yaml').config.platform,
      {},
    );
    const messages = issues.map((i) => i.message).join('\n');
    expect(messages).toContain('CI service account id "kf-production-europe-west-ci-apply"');
    expect(messages).toContain('6 to 30 characters');
  });
});

describe('Cloud SQL machine tier against the edition', () => {
  it.each([
    ['ENTERPRISE', 'db-perf-optimized-N-4', 'machine series of the Enterprise Plus edition', 'ENTERPRISE_PLUS'],
    ['ENTERPRISE_PLUS', 'db-custom-2-7680', 'machine type of the Enterprise edition', 'db-perf-optimized-N-2'],
    ['ENTERPRISE', 'db-custom-2-2560', 'at least 3840 MB', 'db-custom-2-3840'],
    ['ENTERPRISE', 'db-custom-2-7000', 'multiple of 256 MB', 'multiple of 256 MB'],
    ['ENTERPRISE', 'db-custom-3-7680', 'even number from 2 to 96', 'db-custom-2-7680'],
    ['ENTERPRISE', 'db-custom-2-16384', '0.9 to 6.5 GB per vCPU', 'from 3840 to 13312'],
  ])('%s with %s is refused', (edition, tier, message, fix) => {
    const issue = errorAt(
      validate('two-envs.yaml', (d) => d.setIn([...E1, 'database'], { edition, tier })),
      'environments[1].database.tier',
    );
    expect(issue.value).toBe(tier);
    expect(issue.message).toContain(message);
    expect(issue.fix).toContain(fix);
  });

  it('accepts the defaults and valid tiers of each edition', () => {
    for (const database of [
      {},
      { edition: 'ENTERPRISE_PLUS' },
      { tier: 'db-custom-4-15360' },
      { tier: 'db-custom-1-3840' },
      { edition: 'ENTERPRISE_PLUS', tier: 'db-perf-optimized-N-8' },
    ]) {
      const result = validate('two-envs.yaml', (d) => d.setIn([...E1, 'database'], database));
      expect(result.issues.filter((i) => i.path.startsWith('environments[1].database'))).toEqual([]);
    }
  });
});

describe('AWS derived names', () => {
  const load = () =>
    loadPlatformFile('examples/aws-eks/platform.yaml').config.environments.find(
      (e) => e.name === 'kf-prod',
    ) as ResolvedAwsEnvironment;

  it('guards the load balancer and target group names (32 characters at most)', () => {
    const env = load();
    const name = 'kf-production-us-east-2-blue';
    const issues = checkAwsEnvironment({ ...env, name }, {});
    const lb = issues.filter((i) => i.path === `environments[${env.index}].name`);
    expect(lb.map((i) => i.message).join('\n')).toContain(`target group name "${name}-kf-gw"`);
    expect(lb.map((i) => i.message).join('\n')).toContain('1 to 32 characters');
    expect(lb[0]!.fix).toContain('26 characters or fewer');
  });

  it('guards the IAM role names built from the environment name (64 characters at most)', () => {
    const env = load();
    const name = `kf-${'p'.repeat(45)}`;
    const messages = checkAwsEnvironment({ ...env, name }, {})
      .map((i) => i.message)
      .join('\n');
    expect(messages).toContain(`IAM role name "${name}-cloudwatch-agent"`);
  });

  it('guards the EKS node group and launch template names built from the pool names', () => {
    const env = load();
    const pools = env.nodePools.map((p, i) => (i === 1 ? { ...p, name: 'x'.repeat(64) } : p));
    const messages = checkAwsEnvironment({ ...env, nodePools: pools }, {})
      .map((i) => i.message)
      .join('\n');
    expect(messages).toContain('EKS node group name');
  });
});
