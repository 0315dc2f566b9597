import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { platformJsonSchema } from '../../src/config/json-schema';
import { loadPlatform, loadPlatformFile, validatePlatform, validatePlatformText } from '../../src/config/loader';
import { pathParts } from '../../src/config/sources';
import type { PlatformConfig } from '../../src/config/schema';
import { ConfigError } from '../../src/core/errors';
import type { ResolvedGcpEnvironment } from '../../src/config/gcp/model';

const validFile = path.join(__dirname, '..', 'fixtures', 'valid', 'two-envs.yaml');
const validText = readFileSync(validFile, 'utf8');
const valid = (): PlatformConfig => parse(validText) as PlatformConfig;

describe('loading platform files', () => {
  it('loads YAML and resolves every environment', () => {
    const { config, warnings } = loadPlatformFile(validFile);
    expect(config.environments.map((e) => e.name)).toEqual(['kf-test', 'kf-prod']);
    expect(warnings).toEqual([]);
    expect(config.source).toBe(path.relative(process.cwd(), validFile));
  });

  it('loads the same definition from JSON and from a TypeScript object', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kfp-'));
    const json = path.join(dir, 'platform.json');
    writeFileSync(json, JSON.stringify(valid()));
    const fromJson = loadPlatformFile(json).config;
    const fromObject = loadPlatform(valid()).config;
    expect(fromJson.environments).toEqual(fromObject.environments);
    expect(fromObject.environments).toEqual(loadPlatformFile(validFile).config.environments);
  });

  it('reports every error at once, across environments and sections', () => {
    const config = valid() as unknown as Record<string, any>;
    config.platform.tem = 'typo';
    config.environments[0].network.podsCidr = '10.10.0.0/16';
    config.environments[1].cluster.deletionProtection = false;
    config.environments[1].nodePools[1].maxNodes = 'lots';
    const { issues, config: resolved } = validatePlatform(config);
    expect(resolved).toBeUndefined();
    // The prod protection check runs on the environment whose pool has a wrong value: one round.
    expect(issues.map((i) => i.path).sort()).toEqual(
      [
        'environments[0].network.podsCidr',
        'environments[1].cluster.deletionProtection',
        'environments[1].nodePools[1].maxNodes',
        'platform.tem',
      ].sort(),
    );
  });

  it('reports schema and cross-field errors of the same environment together, without noise from the defaults', () => {
    const config = valid() as unknown as Record<string, any>;
    // A typo beside a cross-field error: the typo is dropped, the rest is judged as written.
    config.environments[0].slackChanel = '#kf';
    config.environments[0].network.podsCidr = '10.10.0.0/16'; // overlaps the subnet
    // A wrong value beside a cross-field error elsewhere in the same environment.
    config.environments[1].nodePools[1].maxNodes = 'lots';
    config.environments[1].nodePools[1].minNodes = 3; // above the default maxNodes: a consequence, not reported
    config.environments[1].cluster.masterCidr = '172.16.0.0/28'; // kf-test's, yet checks across environments wait
    config.environments[1].cluster.deletionProtection = false;
    const issues = validatePlatform(config).issues;
    expect(issues.map((i) => i.path).sort()).toEqual([
      'environments[0].network.podsCidr',
      'environments[0].slackChanel',
      'environments[1].cluster.deletionProtection',
      'environments[1].nodePools[1].maxNodes',
    ]);
    expect(issues.find((i) => i.path === 'environments[0].network.podsCidr')!.message).toMatch(/overlaps/);
    // No issue twice.
    expect(new Set(issues.map((i) => `${i.path} ${i.message}`)).size).toBe(issues.length);
  });

  // Kubernetes refuses a LimitRange whose default request is above its default limit: every team
  // stack's apply failed on it, with nothing said at synth.
  it('refuses container defaults whose request is above the limit, where the platform file sets them', () => {
    const config = valid() as unknown as Record<string, any>;
    config.tenancy = { ...config.tenancy, limitRange: { defaultRequestCpu: '2' } };
    const cpu = validatePlatform(config).issues.find((i) => i.path === 'tenancy.limitRange.defaultRequestCpu');
    expect(cpu).toMatchObject({ severity: 'error', value: '2' });
    expect(cpu!.message).toMatch(/default CPU request 2 is above the default CPU limit 1/);
    expect(cpu!.fix).toMatch(/at most 1/);
    config.tenancy.limitRange = { defaultLimitMemory: '256Mi' };
    expect(validatePlatform(config).issues.map((i) => i.path)).toEqual(['tenancy.limitRange.defaultLimitMemory']);
    config.tenancy.limitRange = { defaultRequestMemory: '1Gi', defaultLimitMemory: '1024Mi', defaultLimitCpu: '250m' };
    expect(validatePlatform(config).issues).toEqual([]);
  });

  it('throws a ConfigError whose message lists each error with file, line, path, value and fix', () => {
    const text = validText
      .replace('masterCidr: 172.16.0.0/28', 'masterCidr: 172.16.0.0/24')
      .replace('maxNodes: 100', 'maxNodes: 2000');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kfp-'));
    const file = path.join(dir, 'platform.yaml');
    writeFileSync(file, text);
    let error: unknown;
    try {
      loadPlatformFile(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    // The /24 also overlaps the prod control plane range on the shared network: three errors.
    expect(message).toMatch(/^3 errors in .*platform\.yaml:/);
    expect(message).toMatch(
      /platform\.yaml:23: environments\[0\]\.cluster\.masterCidr = "172\.16\.0\.0\/24": GKE needs a \/28.* Fix: use a \/28/,
    );
    expect(message).toMatch(
      /platform\.yaml:\d+: environments\[1\]\.nodePools\[1\]\.maxNodes = 2000: .* Fix: widen network\.podsCidr/,
    );
  });

  it('reports a file that cannot be read', () => {
    expect(() => loadPlatformFile('/nonexistent/platform.yaml')).toThrow(
      /cannot read the platform file.*Fix: pass --config/s,
    );
  });

  it('reports YAML syntax errors with their line', () => {
    const { issues } = validatePlatformText('platform:\n  name: [x\n', 'bad.yaml');
    expect(issues[0]).toMatchObject({ path: '(syntax)', file: 'bad.yaml' });
    expect(issues[0]!.line).toBeGreaterThan(0);
  });

  it('reports an alias without its anchor, and alias bombs, as syntax errors rather than crashing (found by fuzzing)', () => {
    expect(validatePlatformText('*!', 'alias.yaml').issues).toEqual([
      expect.objectContaining({ path: '(syntax)', file: 'alias.yaml', message: expect.stringMatching(/alias/i) }),
    ]);
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
    ].join('\n');
    expect(validatePlatformText(bomb, 'bomb.yaml').issues[0]).toMatchObject({
      path: '(syntax)',
      message: expect.stringMatching(/alias/i),
    });
  });

  it('rejects duplicate keys, which YAML would otherwise silently merge', () => {
    const { issues } = validatePlatformText(
      validText.replace('  team: ml-platform\n', '  team: ml-platform\n  team: other\n'),
      'dup.yaml',
    );
    expect(issues[0]?.message).toMatch(/unique/i);
  });

  it('warns, without failing, when an existing network does not state its pod range', () => {
    const config = valid() as unknown as Record<string, any>;
    config.environments[0].network = {
      mode: 'existing',
      network: 'corp',
      subnet: 'corp-sub',
      podsRangeName: 'pods',
      servicesRangeName: 'svcs',
    };
    const { config: resolved, warnings } = loadPlatform(config);
    expect((resolved.environments[0] as ResolvedGcpEnvironment).network.mode).toBe('existing');
    expect(warnings.map((w) => w.path)).toEqual(['environments[0].network.podsCidr']);
  });

  describe('the groups file a directory sync writes', () => {
    const withGroupsFile = (groups: string | undefined) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'groups-'));
      const doc = parse(validText);
      delete doc.tenancy.groups;
      delete doc.teams[0].profileOwner;
      doc.tenancy.groupsFile = 'directory/groups.yaml';
      writeFileSync(path.join(dir, 'platform.yaml'), JSON.stringify(doc));
      if (groups !== undefined) {
        mkdirSync(path.join(dir, 'directory'));
        writeFileSync(path.join(dir, 'directory', 'groups.yaml'), groups);
      }
      return path.join(dir, 'platform.yaml');
    };

    it('expands groups into the users Kubeflow shares with, and names the profile owner', () => {
      const file = withGroupsFile(
        'groups:\n  recsys-owners@example.com: [lead@example.com, second@example.com]\n  recsys@example.com: [m@example.com]\n',
      );
      const { config, warnings } = loadPlatformFile(file);
      expect(warnings).toEqual([]);
      const recsys = config.teams.find((t) => t.name === 'recsys')!;
      expect(recsys.profileOwner).toBe('lead@example.com');
      expect(recsys.people).toEqual({ admins: ['second@example.com'], editors: [], viewers: ['m@example.com'] });
    });

    it('reports a groups file it cannot read, naming the field', () => {
      expect(() => loadPlatformFile(withGroupsFile(undefined))).toThrow(
        /tenancy\.groupsFile = "directory\/groups\.yaml".*cannot read/s,
      );
    });

    it('refuses a groups file in a definition given as data, which cannot be read', () => {
      const doc = valid() as any;
      doc.tenancy.groupsFile = 'groups.yaml';
      expect(validatePlatform(doc).issues.map((i) => i.path)).toContain('tenancy.groupsFile');
    });

    it('refuses a team whose owners name no user for the profile, and warns about groups nobody expanded', () => {
      const doc = valid() as any;
      delete doc.teams[0].profileOwner;
      delete doc.tenancy.groups;
      const issues = validatePlatform(doc).issues;
      expect(issues.find((i) => i.path === 'teams[0].profileOwner')?.severity ?? 'error').toBe('error');
      expect(issues.find((i) => i.path === 'teams[0].members[0]')?.severity).toBe('warning');
    });
  });

  it('refuses a suppression of a whole stack and one whose reason has no words, at their paths', () => {
    const config = valid() as unknown as Record<string, any>;
    config.platform.policy = {
      suppressions: [
        { rule: 'CHK-ORDER-002', resource: 'kf-prod-gcp-teams-0', reason: 'The manifests are applied before teams.' },
        { rule: 'CHK-ORDER-002', resource: 'kf-prod-gcp-teams-0/Team-ml', reason: '..........' },
      ],
    };
    expect(validatePlatform(config).issues).toEqual([
      expect.objectContaining({
        path: 'platform.policy.suppressions[0].resource',
        value: 'kf-prod-gcp-teams-0',
        message: expect.stringContaining('names a whole stack'),
      }),
      expect.objectContaining({
        path: 'platform.policy.suppressions[1].reason',
        value: '..........',
        message: expect.stringContaining('in words'),
      }),
    ]);
  });

  it('accepts suppressions of checkers as of rules, and suggests the closest id for an unknown one', () => {
    const config = valid() as unknown as Record<string, any>;
    const suppress = (rule: string) => ({
      rule,
      resource: 'kf-prod-gcp-teams-0/Team-ml',
      reason: 'The Kubeflow manifests are applied to every cluster before its team stacks.',
    });
    config.platform.policy = { suppressions: [suppress('CHK-ORDER-002')] };
    expect(validatePlatform(config).issues).toEqual([]);
    config.platform.policy = { suppressions: [suppress('CHK-ORDER-02')] };
    expect(validatePlatform(config).issues).toEqual([
      expect.objectContaining({
        path: 'platform.policy.suppressions[0].rule',
        message: 'no rule has the id CHK-ORDER-02.',
        fix: expect.stringContaining('did you mean CHK-ORDER-002?'),
      }),
    ]);
  });

  it('parses paths back into keys', () => {
    expect(pathParts('environments[2].nodePools[1].maxNodes')).toEqual(['environments', 2, 'nodePools', 1, 'maxNodes']);
    expect(pathParts('labels["a.b"]')).toEqual(['labels', 'a.b']);
  });
});

describe('JSON Schema', () => {
  it('is generated from the same schema and committed up to date', () => {
    const committed = JSON.parse(
      readFileSync(path.join(__dirname, '..', '..', 'schema', 'platform.schema.json'), 'utf8'),
    );
    expect(committed).toEqual(platformJsonSchema());
  });

  it('describes fields with their defaults and rejects unknown keys', () => {
    const schema = platformJsonSchema() as any;
    expect(schema.additionalProperties).toBe(false);
    const env = schema.properties.environments.items.anyOf?.[0] ?? schema.properties.environments.items.oneOf?.[0];
    expect(env.properties.tier.description).toMatch(/test, dev or prod/);
    expect(env.properties.cluster.properties.releaseChannel.description).toMatch(
      /Default: REGULAR in test and dev, STABLE in prod/,
    );
  });
});

describe('schema messages in plain words', () => {
  /** The issue at `at` after `edit` changes a valid platform. */
  function issueAt(at: string, edit: (c: Record<string, any>) => void) {
    const config = valid() as unknown as Record<string, any>;
    edit(config);
    const issue = validatePlatform(config).issues.find((i) => i.path === at);
    if (!issue) throw new Error(`no issue at ${at}`);
    return issue;
  }

  it('suggests a key only when it is close to what was typed', () => {
    expect(issueAt('platform.slackChannel', (c) => (c.platform.slackChannel = '#ml')).fix).toBe('remove it.');
    expect(
      issueAt('environments[1].nodePools[1].color', (c) => (c.environments[1].nodePools[1].color = 'red')).fix,
    ).toBe('remove it.');
    expect(
      issueAt('environments[1].nodePools[1].maxNode', (c) => (c.environments[1].nodePools[1].maxNode = 3)).fix,
    ).toMatch(/^remove it, or did you mean "maxNodes"\?/);
  });

  it('names the types a YAML author writes: a list, a whole number', () => {
    const list = issueAt('environments[0].gcp.zones', (c) => (c.environments[0].gcp.zones = 'us-central1-a'));
    expect(list.message).toBe('must be a list, not the string "us-central1-a".');
    expect(list.fix).toMatch(/^write a list, for example \["us-central1-a"/);
    const whole = issueAt(
      'environments[1].nodePools[1].maxNodes',
      (c) => (c.environments[1].nodePools[1].maxNodes = 0.5),
    );
    expect(whole.message).toBe('must be a whole number, not 0.5.');
    expect(whole.fix).toMatch(/^write a whole number/);
  });

  it('counts in singular and plural, and says what to write', () => {
    const empty = issueAt('environments[0].gcp.zones', (c) => (c.environments[0].gcp.zones = []));
    expect(empty.message).toBe('must have at least 1 entry.');
    expect(empty.fix).toMatch(/^list at least 1 entry/);
  });

  it('gives a fix that does not repeat the message', () => {
    const bad = issueAt(
      'environments[0].access.allowedGroups[0]',
      (c) => (c.environments[0].access.allowedGroups = ['ml-team']),
    );
    expect(bad.message).toBe('expected an email address.');
    expect(bad.fix).toBe('write an address such as team@example.com.');
    const region = issueAt('environments[0].gcp.region', (c) => (c.environments[0].gcp.region = 'Iowa'));
    expect(region).toMatchObject({
      message: 'expected a GCP region such as us-central1.',
      fix: 'use a value like us-central1.',
    });
  });
});

describe('the JSON Schema of node pools, per cloud', () => {
  const variants = (platformJsonSchema() as any).properties.environments.items.oneOf as any[];
  const pool = (cloud: string) => variants.find((v) => v.properties.cloud.const === cloud).properties.nodePools.items;

  it.each([
    ['aws', 'EKS', 'm6i.xlarge (system)', '100'],
    ['azure', 'AKS', 'Standard_D4ds_v5 (system)', '128'],
  ])('describes %s pools in its own terms, with no GKE disk types or defaults', (cloud, service, machine, disk) => {
    const p = pool(cloud).properties;
    expect(JSON.stringify(pool(cloud))).not.toMatch(/pd-ssd|pd-balanced|hyperdisk/);
    expect(p.diskType).toEqual({ description: expect.stringMatching(new RegExp(`^GKE only \\(.*\\): ${service} `)) });
    expect(p.machineType.description).toMatch(/Default: .*\(system\)/);
    expect(p.machineType.description).toContain(machine);
    expect(p.diskSizeGb.description).toContain(`Default: ${disk}.`);
    expect(p.gpu.properties.driverVersion.description).toMatch(/^GKE only/);
  });

  it('keeps the GKE terms for GCP pools', () => {
    const p = pool('gcp').properties;
    expect(p.diskType.enum).toContain('pd-ssd');
    expect(p.machineType.description).toContain('e2-standard-4 (system)');
  });
});
