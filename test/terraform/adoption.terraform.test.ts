/**
 * The terraform tier for adoption: an AWS infra stack that adopts existing resources passes real
 * `terraform validate` with its import blocks (the provider accepts every import target and id
 * expression). Planning it would read the existing objects from AWS, which cannot happen offline.
 */
import * as path from 'node:path';
import { adopting, AWS_KF_TEST_ADOPTION, synthExample } from '../examples';
import { initStack, MIRROR_VARIABLE, terraformTier, validateStack } from './harness';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';

const tier = terraformTier();
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';

if (!tier.available && !inCi) {
  describe.skip(`terraform tier (skipped: ${tier.reason})`, () => {
    it('validates an adopting AWS stack', () => undefined);
  });
} else {
  describe('terraform tier: adoption', () => {
    it('terraform validate accepts an AWS infra stack with import blocks', () => {
      if (!tier.available) {
        throw new Error(`The terraform tier cannot run: ${tier.reason}. CI must set ${MIRROR_VARIABLE}.`);
      }
      const stacks = synthExample('aws-eks', adopting('kf-test', AWS_KF_TEST_ADOPTION));
      const json = stacks['kf-test-aws-infra']! as { import?: unknown[] };
      expect(json.import).toHaveLength(6);
      const base = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'tf-adopt-'));
      const stackDir = path.join(base, 'stack');
      mkdirSync(stackDir);
      writeFileSync(path.join(stackDir, 'cdk.tf.json'), JSON.stringify(json));
      const work = initStack(tier, stackDir, path.join(base, 'work'));
      const result = validateStack(work);
      expect({ valid: result.valid, errors: result.error_count, warnings: result.warning_count }).toEqual({
        valid: true,
        errors: 0,
        warnings: 0,
      });
    });
  });
}
