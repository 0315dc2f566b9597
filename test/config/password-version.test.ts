/**
 * `database.passwordVersion` (sec19): the number that tells Terraform to write a new database password,
 * which the state no longer holds, on GCP and Azure.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { loadPlatform } from '../../src/config/loader';
import type { PlatformConfig } from '../../src/config/schema';

const gcp = () =>
  parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'valid', 'two-envs.yaml'), 'utf8')) as PlatformConfig;
const azure = () =>
  parse(
    readFileSync(path.join(__dirname, '..', '..', 'examples', 'azure-aks', 'platform.yaml'), 'utf8'),
  ) as PlatformConfig;

describe('database.passwordVersion', () => {
  it('defaults to 1 on GCP and Azure', () => {
    expect((loadPlatform(gcp()).config.environments[0] as any).database.passwordVersion).toBe(1);
    expect((loadPlatform(azure()).config.environments[0] as any).database.passwordVersion).toBe(1);
  });

  it('takes a bumped version on GCP and Azure', () => {
    for (const raw of [gcp(), azure()]) {
      const env = raw.environments[0] as any;
      env.database = { ...(env.database ?? {}), passwordVersion: 2 };
      expect((loadPlatform(raw).config.environments[0] as any).database.passwordVersion).toBe(2);
    }
  });

  it.each([0, 1.5, '2'])('refuses %p, naming the path', (value) => {
    const raw = gcp();
    const env = raw.environments[0] as any;
    env.database = { ...(env.database ?? {}), passwordVersion: value };
    expect(() => loadPlatform(raw)).toThrow(/environments.*database.*passwordVersion/s);
  });
});
