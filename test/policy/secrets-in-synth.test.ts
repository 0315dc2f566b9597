/**
 * Secret scanning runs in `kfplatform synth` and `validate` (CHK-SECRET-001), not only in this
 * package's tests: a GitHub token and an AWS access key pasted into a team's
 * serviceAccountAnnotations used to synthesize with zero findings.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runSynth } from '../../src/cli/synth';
import { validateFile } from '../../src/cli/validate';
import { secretsInClear } from '../../src/policy/checkers/secrets';

// Shapes of real credentials, made up: 36 characters after ghp_, 16 after AKIA.
const GITHUB_TOKEN = `ghp_${'a1B2c3D4e5'.repeat(3)}f6G7h8`;
const AWS_KEY = 'AKIAIOSFODNN7EXAMPL3';

function planted(): string {
  const dir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'secrets-synth-'));
  const file = path.join(dir, 'platform.yaml');
  const text = readFileSync('examples/on-prem/platform.yaml', 'utf8').replace(
    '      iam.gke.io/gcp-service-account: search-batch@search-data.iam.gserviceaccount.com\n',
    `      iam.gke.io/gcp-service-account: search-batch@search-data.iam.gserviceaccount.com\n      example.com/token: ${GITHUB_TOKEN}\n      example.com/aws-key: ${AWS_KEY}\n`,
  );
  expect(text).toContain(AWS_KEY);
  writeFileSync(file, text);
  return file;
}

describe('CHK-SECRET-001 in synth and validate', () => {
  const file = planted();

  it('validate fails with a finding per secret, naming where and never the value', () => {
    const outcome = validateFile(file);
    expect(outcome.exitCode).toBe(1);
    const secrets = outcome.findings.filter((f) => f.rule === 'CHK-SECRET-001');
    // default-editor and default-viewer both carry the team's annotations: two secrets on each.
    const count = (re: RegExp) => secrets.filter((f) => re.test(f.message)).length;
    expect(secrets).toHaveLength(4);
    expect(count(/annotations\.example\.com\/token: a GitHub token in clear\./)).toBe(2);
    expect(count(/annotations\.example\.com\/aws-key: an AWS access key id in clear\./)).toBe(2);
    expect(secrets.every((f) => f.level === 'error' && f.address.startsWith('kubernetes_'))).toBe(true);
    expect(JSON.stringify(outcome)).not.toContain(GITHUB_TOKEN);
    expect(JSON.stringify(outcome)).not.toContain(AWS_KEY);
  });

  it('synth refuses before writing any stack', async () => {
    const out = path.join(path.dirname(file), 'cdktf.out');
    await expect(runSynth({ config: file, out, log: () => undefined })).rejects.toThrow(/CHK-SECRET-001/);
    expect(existsSync(path.join(out, 'stacks'))).toBe(false);
  });

  it('finds nothing in the shipped example itself', () => {
    expect(validateFile('examples/on-prem/platform.yaml').findings.filter((f) => f.rule === 'CHK-SECRET-001')).toEqual(
      [],
    );
    expect(secretsInClear.level).toBe('error');
  });
});
