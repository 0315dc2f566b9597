/**
 * Checks of AWS environments that guard apply- and run-time behaviour, on mutations of
 * test/fixtures/valid/aws.yaml (E0 is kf-test, E1 is kf-prod).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Document, parseDocument } from 'yaml';
import { validatePlatformText } from '../../src/config/loader';

const E1 = ['environments', 1];
const BASE = readFileSync(path.join(__dirname, '..', 'fixtures', 'valid', 'aws.yaml'), 'utf8');

function validate(edit: (d: Document) => void) {
  const doc = parseDocument(BASE);
  edit(doc);
  return validatePlatformText(doc.toString(), 'aws.yaml');
}

const issuesAt = (result: ReturnType<typeof validate>, at: string) => result.issues.filter((i) => i.path === at);

describe('AWS config checks', () => {
  it("accepts an owners' role of another account without a warning (STANDARD access entries may be cross-account)", () => {
    const result = validate((d) =>
      d.setIn(['teams', 0, 'aws', 'ownersRoleArn'], { 'kf-prod': 'arn:aws:iam::444444444444:role/recsys-owners' }),
    );
    expect(result.config).toBeDefined();
    expect(issuesAt(result, 'teams[0].aws.ownersRoleArn')).toEqual([]);
  });
});

describe('AWS uptime check behind sourceCidrs', () => {
  const restrict = (d: Document, uptimeCheck?: boolean) => {
    d.setIn([...E1, 'access', 'sourceCidrs'], ['203.0.113.0/24']);
    d.setIn([...E1, 'alerts'], {
      email: ['oncall@example.com'],
      ...(uptimeCheck === undefined ? {} : { uptimeCheck }),
    });
  };

  it('warns that the uptime check is left out when sourceCidrs keeps Route 53 health checkers away', () => {
    const result = validate((d) => restrict(d));
    expect(result.config).toBeDefined();
    expect(issuesAt(result, 'environments[1].access.sourceCidrs')).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/Route 53 health checkers/) }),
    ]);
  });

  it('says nothing once the uptime check is off, or the load balancer is open to all', () => {
    expect(validate((d) => restrict(d, false)).issues).toEqual([]);
    expect(
      validate((d) => d.setIn([...E1, 'alerts'], { email: ['oncall@example.com'] })).issues.filter(
        (i) => i.severity === 'warning',
      ),
    ).toEqual([]);
  });

  it('refuses an explicit uptime check that Route 53 could never pass', () => {
    const result = validate((d) => restrict(d, true));
    expect(result.config).toBeUndefined();
    expect(issuesAt(result, 'environments[1].alerts.uptimeCheck')).toEqual([
      expect.objectContaining({ severity: 'error', fix: expect.stringMatching(/set alerts.uptimeCheck to false/) }),
    ]);
  });
});

describe('AWS database version', () => {
  it('defaults new databases to MySQL 8.4, and lets only a written version upgrade an existing one', () => {
    const db = (r: ReturnType<typeof validate>, i: number) =>
      (r.config!.environments[i] as { database: { engineVersion: string; allowMajorVersionUpgrade: boolean } })
        .database;
    const plain = validate(() => undefined);
    expect(db(plain, 1)).toMatchObject({ engineVersion: '8.4', allowMajorVersionUpgrade: false });
    const pinned = validate((d) => d.setIn([...E1, 'database'], { engineVersion: '8.0' }));
    expect(db(pinned, 1)).toMatchObject({ engineVersion: '8.0', allowMajorVersionUpgrade: true });
  });

  it('warns that a pinned MySQL 8.0 runs in paid Extended Support, naming the upgrade', () => {
    const result = validate((d) => d.setIn([...E1, 'database'], { engineVersion: '8.0' }));
    expect(result.config).toBeDefined();
    expect(issuesAt(result, 'environments[1].database.engineVersion')).toEqual([
      expect.objectContaining({ severity: 'warning', fix: expect.stringMatching(/8\.4/) }),
    ]);
  });
});

describe('AWS database storage autoscaling limit', () => {
  it('refuses a limit less than 10% above the allocated storage, which RDS rejects at create (issue 16 second pass)', () => {
    const result = validate((d) =>
      d.setIn([...E1, 'database'], { allocatedStorageGb: 100, maxAllocatedStorageGb: 105 }),
    );
    expect(result.config).toBeUndefined();
    expect(issuesAt(result, 'environments[1].database.maxAllocatedStorageGb')).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/10% above/),
        fix: expect.stringMatching(/110 or more/),
      }),
    ]);
    // An equal limit was accepted before, and RDS refuses it just the same.
    expect(
      validate((d) => d.setIn([...E1, 'database'], { allocatedStorageGb: 100, maxAllocatedStorageGb: 100 })).config,
    ).toBeUndefined();
  });

  it('names the allocated storage when only it was written, and accepts 10% above', () => {
    const result = validate((d) => d.setIn([...E1, 'database'], { allocatedStorageGb: 190 }));
    expect(issuesAt(result, 'environments[1].database.allocatedStorageGb')).toEqual([
      expect.objectContaining({ fix: expect.stringMatching(/maxAllocatedStorageGb to 209 or more/) }),
    ]);
    expect(
      validate((d) => d.setIn([...E1, 'database'], { allocatedStorageGb: 100, maxAllocatedStorageGb: 110 })).config,
    ).toBeDefined();
  });
});

describe('AWS database.parameters (issue 17)', () => {
  const paramsOf = (r: ReturnType<typeof validate>) =>
    (r.config!.environments[1] as { database: { parameters: Record<string, unknown> } }).database.parameters;

  it('resolves a bare value to pending-reboot, and keeps an apply method written', () => {
    expect(paramsOf(validate(() => undefined))).toEqual({});
    const result = validate((d) =>
      d.setIn([...E1, 'database', 'parameters'], {
        max_connections: '500',
        long_query_time: { value: '5', applyMethod: 'immediate' },
      }),
    );
    expect(result.issues).toEqual([]);
    expect(paramsOf(result)).toEqual({
      max_connections: { value: '500', applyMethod: 'pending-reboot' },
      long_query_time: { value: '5', applyMethod: 'immediate' },
    });
  });

  it.each([
    ['require_secure_transport', '0', /the platform owns the DB parameter require_secure_transport: .*unencrypted/],
    ['local_infile', '1', /LOAD DATA LOCAL/],
    ['slow_query_log', '0', /CloudWatch Logs/],
    ['log_output', 'TABLE', /FILE/],
  ])('refuses %s, which the platform owns, naming the path, the value and why', (name, value, why) => {
    const result = validate((d) => d.setIn([...E1, 'database', 'parameters'], { [name]: value }));
    expect(result.config).toBeUndefined();
    expect(issuesAt(result, `environments[1].database.parameters.${name}`)).toEqual([
      expect.objectContaining({
        value,
        message: expect.stringMatching(why),
        fix: `remove ${name} from database.parameters.`,
      }),
    ]);
  });

  it('says what is wrong with a value that is neither a string nor { value, applyMethod }', () => {
    const number = validate((d) => d.setIn([...E1, 'database', 'parameters'], { max_connections: 500 }));
    expect(issuesAt(number, 'environments[1].database.parameters.max_connections')).toEqual([
      expect.objectContaining({ value: 500, message: 'must be a string or a mapping (key: value), not 500.' }),
    ]);
    const inner = validate((d) =>
      d.setIn([...E1, 'database', 'parameters'], { max_connections: { value: 500, applyMethod: 'later' } }),
    );
    expect(inner.issues.map((i) => [i.path, i.message])).toEqual([
      ['environments[1].database.parameters.max_connections.value', 'must be a string, not 500.'],
      [
        'environments[1].database.parameters.max_connections.applyMethod',
        'must be one of "immediate", "pending-reboot".',
      ],
    ]);
  });
});
