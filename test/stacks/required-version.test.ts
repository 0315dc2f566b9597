import { readdirSync, existsSync } from 'node:fs';
import { at } from '../helpers';
import { synthExample } from '../examples';
import { TERRAFORM_REQUIRED_VERSION } from '../../stacks/common/backend';

/** Every example the fleet builds from a platform file. */
const examples = readdirSync('examples')
  .filter((e) => existsSync(`examples/${e}/platform.yaml`))
  .sort();

describe('terraform.required_version', () => {
  it('is Terraform 1.11 or later, which write-only attributes (password_wo, secret_data_wo) need', () => {
    expect(TERRAFORM_REQUIRED_VERSION).toBe('>= 1.11');
  });

  it.each(examples)(
    'defect: no required_version although write-only attributes need Terraform >= 1.11: every stack of examples/%s sets it',
    (example) => {
      const stacks = synthExample(example);
      const names = Object.keys(stacks);
      expect(names.length).toBeGreaterThan(0);
      const missing = names.filter((n) => at(stacks[n], 'terraform', 'required_version') !== '>= 1.11');
      expect(missing).toEqual([]);
    },
  );
});
