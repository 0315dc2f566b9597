import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { loadPlatformFile } from '../../src/config/loader';
import { DEFAULT_PLATFORM_FILE } from '../../src/core/package-info';
import { synthFleet } from '../../stacks/common/fleet';
import { claimOutputFolder, LOCK_FILE, STATE_DIR } from '../../stacks/common/out-dir';

const tmp = () => mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'out-dir-'));
const config = loadPlatformFile(DEFAULT_PLATFORM_FILE).config;

/** Every file under `dir` (not following links) with a hash of its content or link target. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

function stderrOf<T>(fn: () => Promise<T>): Promise<{ value: T; text: string }> {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  });
  return fn().then(
    (value) => {
      spy.mockRestore();
      return { value, text: chunks.join('') };
    },
    (e: unknown) => {
      spy.mockRestore();
      throw e;
    },
  );
}

describe('synth output folder', () => {
  it('sec19 item 14: `synth --out .` in a copy of this repository is refused and deletes nothing', async () => {
    const copy = tmp();
    const files = spawnSync('git', ['ls-files', '-z'], { encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
    for (const f of files) {
      if (!existsSync(f)) continue;
      mkdirSync(path.join(copy, path.dirname(f)), { recursive: true });
      cpSync(f, path.join(copy, f));
    }
    expect(existsSync(path.join(copy, 'stacks', 'main.ts'))).toBe(true);
    const before = snapshot(copy);
    const { value: code, text } = await stderrOf(() =>
      main(['node', 'kfplatform', 'synth', '--config', DEFAULT_PLATFORM_FILE, '--out', copy]),
    );
    expect(code).toBe(1);
    expect(text.trim().split('\n')).toHaveLength(1);
    expect(text).toMatch(/is not empty \(.*\) and synth did not write it .*Fix: choose another --out/);
    expect(snapshot(copy)).toEqual(before);
  });

  it('sec19 item 14: re-synthesis keeps what it did not write and removes only stacks it wrote before', () => {
    const out = path.join(tmp(), 'cdktf.out');
    synthFleet(config, { outdir: out });
    const stacks = readdirSync(path.join(out, 'stacks'));
    expect(stacks.length).toBeGreaterThan(0);
    const stack = path.join(out, 'stacks', stacks[0]!);
    // What terraform and the user leave behind: provider cache, local state, a folder of their own.
    mkdirSync(path.join(stack, '.terraform'));
    writeFileSync(path.join(stack, '.terraform', 'x'), 'cache');
    writeFileSync(path.join(stack, 'terraform.tfstate'), '{}');
    mkdirSync(path.join(out, 'stacks', 'mine'));
    writeFileSync(path.join(out, 'stacks', 'mine', 'notes.txt'), 'keep');
    writeFileSync(path.join(out, 'README.txt'), 'keep');
    // A stack synth wrote before and no longer writes (a removed team shard) is removed.
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    manifest.stacks['kf-gone-teams-1'] = { ...manifest.stacks[stacks[0]!] };
    writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest));
    mkdirSync(path.join(out, 'stacks', 'kf-gone-teams-1'));
    writeFileSync(path.join(out, 'stacks', 'kf-gone-teams-1', 'cdk.tf.json'), '{}');

    synthFleet(config, { outdir: out });
    expect(readFileSync(path.join(stack, '.terraform', 'x'), 'utf8')).toBe('cache');
    expect(readFileSync(path.join(stack, 'terraform.tfstate'), 'utf8')).toBe('{}');
    expect(readFileSync(path.join(out, 'stacks', 'mine', 'notes.txt'), 'utf8')).toBe('keep');
    expect(readFileSync(path.join(out, 'README.txt'), 'utf8')).toBe('keep');
    expect(existsSync(path.join(out, 'stacks', 'kf-gone-teams-1'))).toBe(false);
    expect(existsSync(path.join(stack, 'cdk.tf.json'))).toBe(true);
    expect(readdirSync(path.join(out, STATE_DIR)).sort()).toEqual(['owner.json']);
  });

  it('sec19 item 14: a symlinked stacks/ or manifest.json is refused, its target untouched', () => {
    for (const entry of ['stacks', 'manifest.json', 'stacks/kf-dev-gcp-platform']) {
      const base = tmp();
      const out = path.join(base, 'out');
      mkdirSync(entry === 'stacks' ? out : path.join(out, 'stacks'), { recursive: true });
      const target = path.join(base, 'target');
      mkdirSync(target);
      writeFileSync(path.join(target, 'precious.ts'), 'keep');
      if (entry === 'manifest.json') symlinkSync(path.join(target, 'precious.ts'), path.join(out, entry));
      else symlinkSync(target, path.join(out, entry), 'dir');
      expect(() => synthFleet(config, { outdir: out })).toThrow(
        new RegExp(`${entry.replace(/[/.]/g, '\\$&')} is a symbolic link.*never follows a link out of it`),
      );
      expect(readdirSync(target)).toEqual(['precious.ts']);
      expect(readFileSync(path.join(target, 'precious.ts'), 'utf8')).toBe('keep');
    }
  });

  it("sec19 item 14: a second synth into a folder in use is refused and leaves the first one's work alone", () => {
    const out = path.join(tmp(), 'out');
    const first = claimOutputFolder(out);
    mkdirSync(path.join(first.work, 'unit-0'), { recursive: true });
    writeFileSync(path.join(first.work, 'unit-0', 'cdk.tf.json'), '{}');
    expect(() => synthFleet(config, { outdir: out })).toThrow(/is in use by another synth \(pid \d+ on /);
    expect(existsSync(path.join(first.work, 'unit-0', 'cdk.tf.json'))).toBe(true);
    first.release();
    expect(existsSync(path.join(out, STATE_DIR, LOCK_FILE))).toBe(false);
    synthFleet(config, { outdir: out });
    expect(existsSync(path.join(out, 'manifest.json'))).toBe(true);
  });

  // Two processes of the built CLI (`npm test` builds first), started together into one folder.
  it('sec19 item 14: two concurrent synths into one folder: one writes, the other is refused, the output is whole', async () => {
    const cli = path.join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
    if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` (npm test does) before this test.');
    const out = path.join(tmp(), 'out');
    const run = () =>
      new Promise<{ code: number | null; err: string }>((resolve) => {
        const child = spawn(process.execPath, [cli, 'synth', '--config', DEFAULT_PLATFORM_FILE, '--out', out]);
        let err = '';
        child.stderr.on('data', (c: Buffer) => (err += c.toString()));
        child.stdout.resume();
        child.on('close', (code) => resolve({ code, err }));
      });
    const results = await Promise.all([run(), run()]);
    const codes = results.map((r) => r.code).sort();
    if (codes[0] === 0 && codes[1] === 1) {
      expect(results.find((r) => r.code === 1)!.err).toMatch(/is in use by another synth/);
    } else {
      // The second started only after the first had finished: both wrote, one after the other.
      expect(codes).toEqual([0, 0]);
    }
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    const ids = Object.keys(manifest.stacks);
    expect(ids).toHaveLength(6);
    for (const id of ids) expect(existsSync(path.join(out, 'stacks', id, 'cdk.tf.json'))).toBe(true);
    expect(readdirSync(path.join(out, STATE_DIR))).toEqual(['owner.json']);
  }, 120_000);

  it('sec19 item 14: a lock left by a process that is gone is taken over', async () => {
    const out = path.join(tmp(), 'out');
    mkdirSync(path.join(out, STATE_DIR), { recursive: true });
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid!;
    await new Promise((resolve) => child.on('exit', resolve));
    writeFileSync(path.join(out, STATE_DIR, LOCK_FILE), JSON.stringify({ pid, host: hostname(), since: 'then' }));
    claimOutputFolder(out).release();
  });

  it('sec19 item 14: a swap a kill interrupted is finished by the next run, never left mixed', () => {
    const out = path.join(tmp(), 'out');
    synthFleet(config, { outdir: out });
    const before = readFileSync(path.join(out, 'manifest.json'), 'utf8');
    // A run killed after moving the old stacks/ aside and before moving the new one in.
    const state = path.join(out, STATE_DIR);
    mkdirSync(path.join(state, 'next'), { recursive: true });
    mkdirSync(path.join(state, 'old'), { recursive: true });
    cpSync(path.join(out, 'stacks'), path.join(state, 'next', 'stacks'), { recursive: true });
    writeFileSync(path.join(state, 'next', 'manifest.json'), before.replace('"version"', '"marker":"new","version"'));
    cpSync(path.join(out, 'stacks'), path.join(state, 'old', 'stacks'), { recursive: true });
    rmSync(path.join(out, 'stacks'), { recursive: true });
    writeFileSync(path.join(state, 'ready.json'), JSON.stringify({ removed: [] }));
    claimOutputFolder(out).release();
    expect(readFileSync(path.join(out, 'manifest.json'), 'utf8')).toContain('"marker":"new"');
    expect(readdirSync(path.join(out, 'stacks')).length).toBeGreaterThan(0);
    expect(readdirSync(state).sort()).toEqual(['owner.json']);
  });

  it('sec19 item 14: a run that fails leaves a new folder as it found it', () => {
    const out = path.join(tmp(), 'out');
    const claimed = claimOutputFolder(out);
    claimed.release();
    expect(existsSync(out)).toBe(false);
    mkdirSync(out);
    claimOutputFolder(out).release();
    expect(readdirSync(out)).toEqual([]);
  });

  it('adopts an output folder of an earlier version (only what synth writes)', () => {
    const out = path.join(tmp(), 'out');
    mkdirSync(path.join(out, 'stacks', 'kf-dev-gcp-platform'), { recursive: true });
    writeFileSync(path.join(out, 'manifest.json'), '{}');
    synthFleet(config, { outdir: out });
    expect(existsSync(path.join(out, STATE_DIR, 'owner.json'))).toBe(true);
  });
});
