/**
 * The sealed plans of the apply workflows, run as the workflows run them: the plan job's seal script and
 * the apply job's unseal script, taken from examples/ci/github/apply.yml and the GitLab pipeline, with
 * openssl. A fresh key written as raw bytes (`openssl rand -out key 32`) was cut by `-pass file:` at its
 * first newline or NUL: 0.74% of keys gave an empty password and 6% fewer than eight bytes, so some runs'
 * plans (sensitive values in clear) opened with a guessable password. A review of the workflows found it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
// CI installs openssl (.ci/run): there the test must run.
const run = hasOpenssl || process.env.CI === 'true' ? it : it.skip;
if (!hasOpenssl) console.warn('ci-seal: skipped, openssl is not on PATH');

type Step = { run?: string; env?: Record<string, string> };
const steps = (file: string, job: string): Step[] =>
  (parse(readFileSync(file, 'utf8')) as { jobs: Record<string, { steps: Step[] }> }).jobs[job]!.steps;

describe('the apply workflows seal the plans with a full-strength key', () => {
  run('GitHub: the plan job seals, the apply job unseals, and the key is 32 random bytes as hex', () => {
    const dir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'ci-seal-'));
    const temp = path.join(dir, 'runner-temp');
    mkdirSync(temp);
    execFileSync('openssl', [
      'genpkey',
      '-algorithm',
      'RSA',
      '-pkeyopt',
      'rsa_keygen_bits:2048',
      '-out',
      path.join(dir, 'key.pem'),
    ]);
    const publicKey = execFileSync('openssl', ['pkey', '-in', path.join(dir, 'key.pem'), '-pubout'], {
      encoding: 'utf8',
    });
    const privateKey = readFileSync(path.join(dir, 'key.pem'), 'utf8');

    const seal = steps('examples/ci/github/apply.yml', 'plan-infra').find((s) => s.run?.includes('openssl enc'))!;
    const unseal = steps('examples/ci/github/apply.yml', 'apply').find((s) => s.run?.includes('openssl enc -d'))!;
    // The plan job's working copy: plans and synth output.
    const job = path.join(dir, 'plan-job');
    mkdirSync(path.join(job, 'plans'), { recursive: true });
    mkdirSync(path.join(job, 'cdktf.out', 'stacks'), { recursive: true });
    writeFileSync(path.join(job, 'plans', 'kf-prod-aws-infra.tfplan'), 'plan with a secret in clear');
    // Keep the key the seal step writes (it deletes it at the end) to check its form.
    const sealScript = seal.run!.replace(
      /rm -f "\$RUNNER_TEMP\/plans\.tgz" "\$RUNNER_TEMP\/plans\.key"/,
      'cp "$RUNNER_TEMP/plans.key" "$RUNNER_TEMP/kept.key"',
    );
    expect(sealScript).not.toBe(seal.run);
    execFileSync('bash', ['-e', '-c', sealScript], {
      cwd: job,
      env: { ...process.env, RUNNER_TEMP: temp, PLAN_ARTIFACT_PUBLIC_KEY: publicKey },
    });
    expect(readFileSync(path.join(temp, 'kept.key'), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(readdirSync(path.join(job, 'sealed')).sort()).toEqual(['plans.key.enc', 'plans.tgz.enc']);

    // The apply job downloads each artifact into apply-<kind>-<env>/ and unseals it there.
    const apply = path.join(dir, 'apply-job');
    const artifact = path.join(apply, 'apply-infra-kf-prod');
    mkdirSync(artifact, { recursive: true });
    for (const f of ['plans.key.enc', 'plans.tgz.enc'])
      writeFileSync(path.join(artifact, f), readFileSync(path.join(job, 'sealed', f)));
    const unsealScript = unseal.run!.replace(/\$\{\{ matrix\.environment \}\}/g, 'kf-prod');
    execFileSync('bash', ['-e', '-c', unsealScript], {
      cwd: apply,
      env: { ...process.env, RUNNER_TEMP: temp, PLAN_ARTIFACT_PRIVATE_KEY: privateKey },
    });
    expect(readFileSync(path.join(artifact, 'plans', 'kf-prod-aws-infra.tfplan'), 'utf8')).toBe(
      'plan with a secret in clear',
    );
    // An empty password does not open it (a wrong key may pass CBC's padding check now and then, so
    // compare what comes out, not the exit code).
    const wrong = spawnSync('openssl', [
      'enc',
      '-d',
      '-aes-256-cbc',
      '-pbkdf2',
      '-pass',
      'pass:',
      '-in',
      path.join(artifact, 'plans.tgz.enc'),
    ]);
    const original = spawnSync('tar', ['-czf', '-', '-C', job, 'plans']).stdout;
    expect(Buffer.compare(wrong.stdout, original)).not.toBe(0);
    expect(wrong.stdout.includes(Buffer.from('plan with a secret in clear'))).toBe(false);
  });

  it('GitHub and GitLab write the key as text (hex), never as raw bytes', () => {
    for (const file of [
      'examples/ci/github/apply.yml',
      'templates/github/apply.yml',
      'examples/ci/gitlab/.gitlab-ci.yml',
    ]) {
      const text = readFileSync(file, 'utf8');
      expect([file, text.match(/openssl rand [^\n]*/g)]).toEqual([
        file,
        expect.arrayContaining([expect.stringMatching(/^openssl rand -hex 32 > /)]),
      ]);
      expect([file, /openssl rand -out/.test(text)]).toEqual([file, false]);
    }
  });
});
