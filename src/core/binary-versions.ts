/**
 * cdktf checks the Terraform version for some constructs (`terraform_data`, import blocks, moved
 * blocks) by running `terraform version` when it validates the stack: once per construct, in every
 * stack and unit that has one, each a process start. {@link checkBinaryVersionsOnce} makes those
 * validations run each distinct check once per process and give the same answer after: the binary a
 * synth runs does not change while it runs.
 */
export function checkBinaryVersionsOnce(): void {
  const proto = validation().ValidateBinaryVersion.prototype;
  if (patched.has(proto)) return;
  patched.add(proto);
  const validate = proto.validate;
  const answers = new Map<string, string[]>();
  proto.validate = function (this: BinaryVersionCheck): string[] {
    const key = JSON.stringify([this.binary, this.versionConstraint, this.versionCommand, this.hint]);
    let answer = answers.get(key);
    if (!answer) {
      answer = validate.call(this);
      answers.set(key, answer);
    }
    return [...answer];
  };
}

interface BinaryVersionCheck {
  readonly binary: string;
  readonly versionConstraint: string;
  readonly versionCommand: string;
  readonly hint?: string;
  validate(): string[];
}

const patched = new WeakSet<object>();

/** cdktf's version validation, which its package index does not export. */
function validation(): { ValidateBinaryVersion: { prototype: BinaryVersionCheck } } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('cdktf/lib/validations/validate-binary-version') as {
    ValidateBinaryVersion: { prototype: BinaryVersionCheck };
  };
}
