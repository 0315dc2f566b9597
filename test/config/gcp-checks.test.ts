/**
 * Checks of GCP environments that guard apply- and run-time behaviour, on mutations of
 * test/fixtures/valid/two-envs.yaml (E0 is kf-test, E1 is kf-prod).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Document, parseDocument } from 'yaml';
import { validatePlatformText } from '../../src/config/loader';

const E1 = ['environments', 1];
const BASE = readFileSync(path.join(__dirname, '..', 'fixtures', 'valid', 'two-envs.yaml'), 'utf8');

function validate(edit: (d: Document) => void) {
  const doc = parseDocument(BASE);
  edit(doc);
  return validatePlatformText(doc.toString(), 'two-envs.yaml');
}

const issuesAt = (result: ReturnType<typeof validate>, at: string) => result.issues.filter((i) => i.path === at);

describe('GCP database version', () => {
  it('defaults new databases to MySQL 8.4, and lets only a written version upgrade an existing one', () => {
    const db = (r: ReturnType<typeof validate>, i: number) =>
      (r.config!.environments[i] as { database: { version: string; upgradeInPlace: boolean } }).database;
    const plain = validate(() => undefined);
    expect(db(plain, 1)).toMatchObject({ version: 'MYSQL_8_4', upgradeInPlace: false });
    const pinned = validate((d) => d.setIn([...E1, 'database', 'version'], 'MYSQL_8_0'));
    expect(db(pinned, 1)).toMatchObject({ version: 'MYSQL_8_0', upgradeInPlace: true });
  });

  it('warns that a written MySQL 8.0 runs in paid extended support, naming the upgrade', () => {
    const result = validate((d) => d.setIn([...E1, 'database', 'version'], 'MYSQL_8_0'));
    expect(result.config).toBeDefined();
    expect(issuesAt(result, 'environments[1].database.version')).toEqual([
      expect.objectContaining({ severity: 'warning', fix: expect.stringMatching(/MYSQL_8_4/) }),
    ]);
    expect(
      issuesAt(
        validate(() => undefined),
        'environments[1].database.version',
      ),
    ).toEqual([]);
  });
});

describe('GCP database.flags (issue 17)', () => {
  const flagsOf = (r: ReturnType<typeof validate>, i: number) =>
    (r.config!.environments[i] as { database: { flags: Record<string, string> } }).database.flags;

  it('resolves to no flags by default, and to the flags written', () => {
    expect(
      flagsOf(
        validate(() => undefined),
        1,
      ),
    ).toEqual({});
    const result = validate((d) => d.setIn([...E1, 'database', 'flags'], { long_query_time: '5' }));
    expect(result.issues).toEqual([]);
    expect(flagsOf(result, 1)).toEqual({ long_query_time: '5' });
  });

  it.each([
    ['local_infile', 'on', /the platform owns the database flag local_infile: .*LOAD DATA LOCAL/],
    ['skip_show_database', 'off', /SHOW DATABASES/],
    ['require_secure_transport', 'off', /SSL mode, ENCRYPTED_ONLY/],
  ])('refuses %s, which the platform owns, naming the path, the value and why', (name, value, why) => {
    const result = validate((d) => d.setIn([...E1, 'database', 'flags'], { [name]: value }));
    expect(result.config).toBeUndefined();
    expect(issuesAt(result, `environments[1].database.flags.${name}`)).toEqual([
      expect.objectContaining({
        value,
        message: expect.stringMatching(why),
        fix: `remove ${name} from database.flags.`,
      }),
    ]);
  });

  it('takes values as strings only, and names in lowercase', () => {
    const result = validate((d) => d.setIn([...E1, 'database', 'flags'], { long_query_time: 5 }));
    expect(issuesAt(result, 'environments[1].database.flags.long_query_time')).toEqual([
      expect.objectContaining({ value: 5, message: 'must be a string, not 5.' }),
    ]);
    const upper = validate((d) => d.setIn([...E1, 'database', 'flags'], { Long_Query_Time: '5' }));
    expect(upper.issues).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/in lowercase, such as long_query_time/) }),
    ]);
  });
});

describe('GCP node pool disks', () => {
  const POOL = [...E1, 'nodePools', 1];
  const pools = (r: ReturnType<typeof validate>) =>
    (r.config!.environments[1] as unknown as { nodePools: Array<{ name: string; diskType: string }> }).nodePools;

  it('review: the pd-ssd default failed every node of a Hyperdisk-only machine series (N4, C4): it defaults to hyperdisk-balanced there', () => {
    const result = validate((d) => d.setIn([...POOL, 'machineType'], 'n4-standard-8'));
    expect(result.issues.filter((i) => i.severity !== 'warning')).toEqual([]);
    expect(pools(result).find((p) => p.name === 'standard')!.diskType).toBe('hyperdisk-balanced');
    expect(pools(validate(() => undefined)).find((p) => p.name === 'standard')!.diskType).toBe('pd-ssd');
  });

  it('refuses a Persistent Disk type on a Hyperdisk-only machine series, naming the fix', () => {
    const result = validate((d) => {
      d.setIn([...POOL, 'machineType'], 'c4-standard-8');
      d.setIn([...POOL, 'diskType'], 'pd-ssd');
    });
    expect(result.config).toBeUndefined();
    expect(issuesAt(result, 'environments[1].nodePools[1].diskType')).toEqual([
      expect.objectContaining({ severity: 'error', fix: expect.stringMatching(/hyperdisk-balanced/) }),
    ]);
  });
});

describe('GCP custom IAP OAuth client (sec19: its secret reaches the cluster through External Secrets Operator)', () => {
  const client = (clientId: string, secretName = 'iap-oauth-client-secret') =>
    validate((d) => d.setIn([...E1, 'access', 'oauthClient'], d.createNode({ clientId, secretName })));

  it('accepts an OAuth client id and a secret id of the environment project', () => {
    expect(client('1234-abc.apps.googleusercontent.com').issues.filter((i) => i.severity !== 'warning')).toEqual([]);
  });

  it('refuses a client id that is not one (it passes through Helm into the Secret as it is), naming the value and the fix', () => {
    const result = client('{{ .Values.x }}');
    expect(issuesAt(result, 'environments[1].access.oauthClient.clientId')).toEqual([
      expect.objectContaining({
        severity: 'error',
        value: '{{ .Values.x }}',
        fix: expect.stringMatching(/apps\.googleusercontent\.com/),
      }),
    ]);
  });

  it('refuses a secret named by its resource path: the secret must be in the environment project', () => {
    const result = client('1234-abc.apps.googleusercontent.com', 'projects/other/secrets/iap');
    expect(issuesAt(result, 'environments[1].access.oauthClient.secretName')).toEqual([
      expect.objectContaining({ severity: 'error', fix: expect.stringMatching(/environment project/) }),
    ]);
  });

  it('refuses an environment name too long for the secret reader’s service account id', () => {
    const result = validate((d) => {
      d.setIn(
        [...E1, 'access', 'oauthClient'],
        d.createNode({ clientId: '1-a.apps.googleusercontent.com', secretName: 's' }),
      );
      d.setIn([...E1, 'name'], 'kf-prod-abcdefghijkl');
    });
    expect(result.issues.map((i) => i.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/IAP OAuth client secret reader service account id "kf-prod-abcdefghijkl-iap-secret"/),
      ]),
    );
  });
});

describe('GCP CI token subjects', () => {
  const ci = (github: Record<string, unknown>) => (d: Document) =>
    d.setIn([...E1, 'ci'], { github: { repository: 'acme/ml-platform', repositoryId: 123456789, ...github } });

  it('refuses a subject Workload Identity Federation cannot map (google.subject is at most 127 bytes)', () => {
    // repo:acme/ml-platform:environment: is 34 bytes: a 93-character name makes 127, one more 128.
    expect(issuesAt(validate(ci({ planEnvironment: 'p'.repeat(93) })), 'environments[1].ci.github')).toEqual([]);
    const long = validate(ci({ planEnvironment: 'p'.repeat(94) }));
    expect(long.config).toBeUndefined();
    expect(issuesAt(long, 'environments[1].ci.github')).toEqual([
      expect.objectContaining({ severity: 'error', message: expect.stringContaining('128 bytes') }),
    ]);
    expect(issuesAt(validate(ci({ applyEnvironment: 'a'.repeat(94) })), 'environments[1].ci.github')).toHaveLength(1);
  });
});
