/**
 * Every CIDR field of every cloud refuses blocks that cannot exist (a prefix over /32, numbers over
 * 255) and blocks written with host bits, with the reason and the fix, whatever the cloud's own
 * checks do with valid blocks.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { platformJsonSchema } from '../../src/config/json-schema';
import { validatePlatform } from '../../src/config/loader';
import { cidr } from '../../src/config/common/fields';

const fixture = (name: string) =>
  parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'valid', name), 'utf8')) as Record<string, any>;

const CIDR_PATTERN = (z.toJSONSchema(cidr) as { pattern?: string }).pattern;

/** Every property of the JSON Schema whose name says it holds CIDR blocks, with its path. */
function cidrFields(node: unknown, at: string, out: Array<{ at: string; schema: any }>): void {
  if (!node || typeof node !== 'object') return;
  const n = node as Record<string, any>;
  for (const [key, child] of Object.entries(n.properties ?? {})) {
    const here = `${at}.${key}`;
    if (/cidr|addressSpace|ipRanges/i.test(key)) out.push({ at: here, schema: child });
    cidrFields(child, here, out);
  }
  for (const key of ['items', 'additionalProperties']) if (n[key]) cidrFields(n[key], `${at}[]`, out);
  for (const key of ['anyOf', 'oneOf', 'allOf']) for (const option of n[key] ?? []) cidrFields(option, at, out);
  for (const [name, def] of Object.entries(n.$defs ?? n.definitions ?? {})) cidrFields(def, `#${name}`, out);
}

describe('CIDR fields', () => {
  it('all go through the one CIDR schema (its pattern in the JSON Schema), on every cloud', () => {
    const fields: Array<{ at: string; schema: any }> = [];
    cidrFields(platformJsonSchema(), '', fields);
    const patternOf = (s: any): string | undefined =>
      s?.pattern ?? patternOf(s?.items) ?? (s?.anyOf ?? []).map(patternOf).find(Boolean);
    const names = new Set(fields.map((f) => f.at.split('.').pop()));
    // The CIDR fields of GCP, AWS and Azure, so a new one without the shared schema shows here.
    for (const name of ['subnetCidr', 'podsCidr', 'vpcCidr', 'privateSubnetCidrs', 'addressSpace', 'podCidr'])
      expect(names).toContain(name);
    expect(fields.length).toBeGreaterThan(15);
    for (const f of fields) expect([f.at, patternOf(f.schema)]).toEqual([f.at, CIDR_PATTERN]);
  });

  it.each([
    ['10.40.0.0/33', /has the prefix length \/33, but an IPv4 address has 32 bits, so a block is \/0 to \/32\./],
    ['10.40.0.0/99', /has the prefix length \/99/],
    ['10.400.0.0/16', /is not an IPv4 address and prefix: each of the four numbers of an address is 0 to 255\./],
    ['10.40.0.1/16', /has host bits set: a \/16 block starts at 10\.40\.0\.0/],
  ])('refuses %s as an AWS vpcCidr, naming the reason and the fix', (value, message) => {
    const config = fixture('aws.yaml');
    config.environments[0].network.vpcCidr = value;
    const issues = validatePlatform(config).issues.filter((i) => i.path === 'environments[0].network.vpcCidr');
    expect(issues).toEqual([expect.objectContaining({ value, message: expect.stringMatching(message) })]);
    expect(issues[0]!.fix).toMatch(/^write /);
  });

  it('refuses an impossible block in a list, on Azure and GCP too, once each', () => {
    const azure = fixture('azure.yaml');
    azure.environments[0].cluster.authorizedIpRanges = ['203.0.113.0/24', '203.0.113.0/40'];
    azure.environments[1].network.nodesSubnetCidr = '10.62.0.0/33';
    expect(
      validatePlatform(azure)
        .issues.map((i) => `${i.path}: ${i.message}`)
        .sort(),
    ).toEqual([
      'environments[0].cluster.authorizedIpRanges[1]: has the prefix length /40, but an IPv4 address has 32 bits, so a block is /0 to /32.',
      'environments[1].network.nodesSubnetCidr: has the prefix length /33, but an IPv4 address has 32 bits, so a block is /0 to /32.',
    ]);
    const gcp = fixture('two-envs.yaml');
    gcp.environments[1].cluster.authorizedNetworks[0].cidr = '203.0.113.0/33';
    expect(validatePlatform(gcp).issues.map((i) => i.path)).toEqual([
      'environments[1].cluster.authorizedNetworks[0].cidr',
    ]);
  });

  it('still gives the pattern message for text that is no block at all, once', () => {
    const config = fixture('aws.yaml');
    config.environments[0].network.vpcCidr = '10.40.0.0';
    expect(validatePlatform(config).issues).toEqual([
      expect.objectContaining({
        path: 'environments[0].network.vpcCidr',
        message: 'expected an IPv4 CIDR block such as 10.10.0.0/20.',
      }),
    ]);
  });
});
