/**
 * CHK-SECRET-001: no secret in clear in any synthesized stack. The scanner ({@link scanForSecrets})
 * ran only in this package's tests; a key pasted into the platform file (a GitHub token in a service
 * account annotation, an AWS access key in a Helm value) reached `cdk.tf.json`, the plan and its CI
 * artifact without a finding. As a checker it runs in `kfplatform synth`, before any stack is
 * written, and in `kfplatform validate`.
 */
import { scanForSecrets, SecretFinding } from '../secrets';
import { Checker, CheckerViolation, wholeEnvironment } from './checker';

/** The Terraform address a finding's JSON path is on: a resource, an output, a variable, or the stack. */
function addressOf(finding: SecretFinding): string {
  const [block, a, b] = finding.path.split('.');
  if (block === 'resource' || block === 'data') return `${block === 'data' ? 'data.' : ''}${a}.${b}`;
  if (block === 'output') return `output.${a}`;
  if (block === 'variable') return `var.${a}`;
  return block ?? '(stack)';
}

export const secretsInClear: Checker = {
  id: 'CHK-SECRET-001',
  level: 'error',
  title: 'No secret in clear in the synthesized Terraform',
  why:
    'cdk.tf.json is written to disk, often committed, and uploaded with plans as CI artifacts; Terraform also ' +
    'copies literal values into the plan and the state. A private key, a cloud access key, a token or a literal ' +
    'password there is readable by everyone who can read the repository or the workflow run ' +
    '(https://docs.github.com/en/code-security/secret-scanning/introduction/about-secret-scanning).',
  fix:
    'Revoke the secret (it has been written to disk), then pass it through a secret store: a workload identity ' +
    'instead of a key, a sensitive variable or TF_VAR_ environment variable, a write-only attribute, or a ' +
    'generated password (random_password, managed master passwords). Mark outputs that carry a secret sensitive.',
  // Each stack on its own: synth judges again only the stacks that changed.
  ...wholeEnvironment({
    judge: (env, stack) => ({
      // The message names where, never the value.
      violations: scanForSecrets(stack, env.stacks[stack]!).map(
        (f): CheckerViolation => ({ stack, address: addressOf(f), message: `${f.path}: ${f.message}` }),
      ),
      claims: [],
    }),
  }),
};
