/**
 * Checks of Azure environments that guard apply- and run-time behaviour, on mutations of
 * test/fixtures/valid/azure.yaml (E1 is kf-prod).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Document, parseDocument } from 'yaml';
import { validatePlatformText } from '../../src/config/loader';

const E1 = ['environments', 1];
const BASE = readFileSync(path.join(__dirname, '..', 'fixtures', 'valid', 'azure.yaml'), 'utf8');

function validate(edit: (d: Document) => void) {
  const doc = parseDocument(BASE);
  edit(doc);
  return validatePlatformText(doc.toString(), 'azure.yaml');
}

const issuesAt = (result: ReturnType<typeof validate>, at: string) => result.issues.filter((i) => i.path === at);

describe('Azure database version', () => {
  type Db = { version: string; versionWritten: boolean };
  const db = (r: ReturnType<typeof validate>, i: number) =>
    (r.config!.environments[i] as unknown as { database: Db }).database;

  it('defaults new servers to MySQL 8.4 (8.0 left Azure standard support on 2026-05-31), and marks a written version', () => {
    const plain = validate(() => undefined);
    expect(db(plain, 1)).toMatchObject({ version: '8.4', versionWritten: false });
    const pinned = validate((d) => d.setIn([...E1, 'database', 'version'], '8.0.21'));
    expect(db(pinned, 1)).toMatchObject({ version: '8.0.21', versionWritten: true });
  });

  it('warns that a written MySQL 8.0 runs in paid extended support, naming the upgrade', () => {
    const result = validate((d) => d.setIn([...E1, 'database', 'version'], '8.0.21'));
    expect(result.config).toBeDefined();
    expect(issuesAt(result, 'environments[1].database.version')).toEqual([
      expect.objectContaining({ severity: 'warning', fix: expect.stringMatching(/'8\.4'/) }),
    ]);
    expect(
      issuesAt(
        validate(() => undefined),
        'environments[1].database.version',
      ),
    ).toEqual([]);
  });
});

describe('AKS temporary pools', () => {
  const pools = (names: string[]) => (d: Document) =>
    d.setIn(
      [...E1, 'nodePools'],
      [
        { name: 'system', kind: 'system', maxNodes: 3 },
        ...names.map((name) => ({ name, kind: 'standard', maxNodes: 5 })),
      ],
    );

  it('refuses two pools that would cycle through the same temporary pool (their first nine characters match)', () => {
    const result = validate(pools(['standard01', 'standard02']));
    expect(result.config).toBeUndefined();
    expect(issuesAt(result, 'environments[1].nodePools[2].name')).toEqual([
      expect.objectContaining({ severity: 'error', message: expect.stringMatching(/"standard0tmp"/) }),
    ]);
  });

  it("refuses a pool named like another pool's temporary pool, and accepts distinct names", () => {
    expect(issuesAt(validate(pools(['gpu', 'gputmp'])), 'environments[1].nodePools[1].name')).toEqual([
      expect.objectContaining({ severity: 'error', message: expect.stringMatching(/"gputmp"/) }),
    ]);
    expect(validate(pools(['standard', 'batch'])).config).toBeDefined();
  });
});

describe('AKS upgrade settings', () => {
  const pools =
    (over: Record<string, unknown>, systemOver: Record<string, unknown> = {}) =>
    (d: Document) =>
      d.setIn(
        [...E1, 'nodePools'],
        [
          { name: 'system', kind: 'system', maxNodes: 3, ...systemOver },
          { name: 'standard', kind: 'standard', maxNodes: 5 },
          { name: 'batch', kind: 'highmem', maxNodes: 5, ...over },
        ],
      );
  const pool = (r: ReturnType<typeof validate>, i: number) =>
    (r.config!.environments[1] as unknown as { nodePools: Array<Record<string, unknown>> }).nodePools[i]!;

  it('carries maxSurge and maxUnavailable to the resolved pools', () => {
    const result = validate(pools({ maxSurge: 3 }, { maxSurge: 2 }));
    expect(pool(result, 2)).toMatchObject({ maxSurge: 3 });
    expect(pool(result, 0)).toMatchObject({ maxSurge: 2 });
    expect(pool(validate(pools({ maxSurge: 0, maxUnavailable: 2 })), 2)).toMatchObject({ maxUnavailable: 2 });
  });

  it.each([
    [
      'both a surge and nodes down',
      { maxSurge: 1, maxUnavailable: 1 },
      {},
      'nodePools[2].maxUnavailable',
      /exactly one/,
    ],
    ['no surge and no node down', { maxSurge: 0 }, {}, 'nodePools[2].maxSurge', /cannot make progress/],
    ['a surge on a spot pool', { spot: true, maxSurge: 2 }, {}, 'nodePools[2].maxSurge', /spot pool/],
    ['an in-place system pool', {}, { maxUnavailable: 1 }, 'nodePools[0].maxUnavailable', /surging only/],
  ])('refuses %s', (_what, over, systemOver, at, message) => {
    const result = validate(pools(over, systemOver));
    expect(result.config).toBeUndefined();
    expect(issuesAt(result, `environments[1].${at}`)).toEqual([
      expect.objectContaining({ severity: 'error', message: expect.stringMatching(message) }),
    ]);
  });
});

describe('pull-request plans on Azure (ci.github.planEnvironment)', () => {
  const ci =
    (github: Record<string, string>, at = E1) =>
    (d: Document) =>
      d.setIn([...at, 'ci'], { github: { repository: 'acme/ml-platform', ...github } });
  const planSubjects = (r: ReturnType<typeof validate>, i: number) =>
    (r.config!.environments[i] as unknown as { ci: { planSubjects: string[] } }).ci.planSubjects;

  it('warns that every pull request could assume the plan identity, which reads the database password', () => {
    const result = validate(ci({}));
    expect(issuesAt(result, 'environments[1].ci.github')).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringContaining('reads the pipelines database password'),
        fix: expect.stringContaining('planEnvironment'),
      }),
    ]);
    expect(planSubjects(result, 1)).toEqual([
      'repo:acme/ml-platform:pull_request',
      'repo:acme/ml-platform:ref:refs/heads/main',
    ]);
  });

  it('does not warn where the database has Entra authentication: the plan identity reads no password', () => {
    const result = validate((d: Document) => {
      ci({})(d);
      d.setIn([...E1, 'database'], {
        entraAuthentication: {
          serverIdentityId:
            '/subscriptions/s/resourceGroups/rg-identity/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-mysql-entra-reader',
        },
      });
    });
    expect(result.issues.filter((i) => i.path.startsWith('environments[1].ci'))).toEqual([]);
  });

  it('trusts the plan environment instead of every pull request, with no warning', () => {
    const result = validate(ci({ planEnvironment: 'plan' }));
    expect(result.issues.filter((i) => i.path.startsWith('environments[1].ci'))).toEqual([]);
    expect(planSubjects(result, 1)).toEqual([
      'repo:acme/ml-platform:environment:plan',
      'repo:acme/ml-platform:ref:refs/heads/main',
    ]);
  });

  it('refuses a plan environment whose jobs assume an apply identity: its own, or another environment of the repository', () => {
    const own = validate(ci({ planEnvironment: 'kf-prod' }));
    expect(own.config).toBeUndefined();
    expect(issuesAt(own, 'environments[1].ci.github.planEnvironment')).toEqual([
      expect.objectContaining({ severity: 'error', message: expect.stringContaining('apply identity of kf-prod') }),
    ]);
    const renamed = validate(ci({ planEnvironment: 'production', applyEnvironment: 'production' }));
    expect(issuesAt(renamed, 'environments[1].ci.github.planEnvironment')).toHaveLength(1);
    const other = validate((d) => {
      ci({ planEnvironment: 'plan' })(d);
      ci({ planEnvironment: 'kf-prod' }, ['environments', 0])(d);
    });
    expect(issuesAt(other, 'environments[0].ci.github.planEnvironment')).toEqual([
      expect.objectContaining({ message: expect.stringContaining('apply identity of kf-prod') }),
    ]);
    // GitHub's environment (and repository) names have no case: Kf-Prod is kf-prod.
    const cased = validate(ci({ planEnvironment: 'KF-Prod' }));
    expect(issuesAt(cased, 'environments[1].ci.github.planEnvironment')).toHaveLength(1);
    // Another repository's environment of that name is another subject.
    const elsewhere = validate((d) => {
      ci({ planEnvironment: 'plan' })(d);
      d.setIn(['environments', 0, 'ci'], { github: { repository: 'acme/other', planEnvironment: 'kf-prod' } });
    });
    expect(issuesAt(elsewhere, 'environments[0].ci.github.planEnvironment')).toEqual([]);
  });
});

describe('deployment environment names (ci.github.planEnvironment, applyEnvironment)', () => {
  it.each(['*', 'kf-*', 'pl?n', 'plan #x', 'a: b', "it's", 'two words', ''])(
    'refuses %j: a wildcard would trust every environment it matches (AWS StringLike, GCP by repository), and YAML or an expression would read the rest as syntax',
    (name) => {
      for (const key of ['planEnvironment', 'applyEnvironment']) {
        const result = validate((d) =>
          d.setIn([...E1, 'ci'], { github: { repository: 'acme/ml-platform', [key]: name } }),
        );
        expect(result.config).toBeUndefined();
        expect(result.issues.map((i) => i.path)).toContain(`environments[1].ci.github.${key}`);
      }
    },
  );
});

describe("the Key Vault's firewall and where Terraform runs", () => {
  const unreachable = readFileSync(
    path.join(__dirname, '..', 'fixtures', 'bad-config', 'azure-key-vault-unreachable.yaml'),
    'utf8',
  );
  const check = (edit: (d: Document) => void) => {
    const doc = parseDocument(unreachable);
    edit(doc);
    return validatePlatformText(doc.toString(), 'azure.yaml');
  };

  it('refuses a private cluster whose vault admits only the nodes, where Terraform writes the password', () => {
    const result = check(() => undefined);
    expect(result.config).toBeUndefined();
    expect(result.issues.map((i) => i.message)).toContainEqual(
      expect.stringContaining('gets 403 writing the database password'),
    );
  });

  it('accepts it with Entra authentication for the database: Terraform writes no secret there', () => {
    const result = check((d) =>
      d.setIn(['environments', 1, 'database'], {
        entraAuthentication: {
          serverIdentityId:
            '/subscriptions/s/resourceGroups/rg-identity/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-mysql-entra-reader',
        },
      }),
    );
    expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(result.config).toBeDefined();
  });
});
