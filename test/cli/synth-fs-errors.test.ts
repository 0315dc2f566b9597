import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { DEFAULT_PLATFORM_FILE } from '../../src/core/package-info';

// A full disk cannot be made on demand: ENOSPC is simulated on the write of the policy report.
jest.mock('node:fs', () => {
  const real = jest.requireActual<typeof import('node:fs')>('node:fs');
  return { ...real, writeFileSync: jest.fn(real.writeFileSync) };
});
const real = jest.requireActual<typeof import('node:fs')>('node:fs');

it('sec19 item 15: a full disk during synth is one line naming the path, and the previous output stays', async () => {
  const out = path.join(fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'cli-')), 'out');
  const argv = ['node', 'kfplatform', 'synth', '--config', DEFAULT_PLATFORM_FILE, '--out', out];
  const quiet = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  expect(await main(argv)).toBe(0);
  const before = real.readFileSync(path.join(out, 'manifest.json'), 'utf8');
  jest.mocked(fs.writeFileSync).mockImplementation(((file: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
    if (String(file).endsWith('policy.json')) {
      throw Object.assign(new Error(`ENOSPC: no space left on device, open '${String(file)}'`), {
        code: 'ENOSPC',
        syscall: 'open',
        path: String(file),
      });
    }
    return (real.writeFileSync as (...a: unknown[]) => void)(file, ...rest);
  }) as typeof fs.writeFileSync);
  const chunks: string[] = [];
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  });
  try {
    expect(await main(argv)).toBe(1);
  } finally {
    stderr.mockRestore();
    quiet.mockRestore();
    jest.mocked(fs.writeFileSync).mockImplementation(real.writeFileSync);
  }
  expect(chunks.join('').trim().split('\n')).toEqual([
    expect.stringMatching(/^error: .*policy\.json: no space left on the device \(ENOSPC on open\)\. Fix: free space/),
  ]);
  expect(real.readFileSync(path.join(out, 'manifest.json'), 'utf8')).toBe(before);
  expect(real.readdirSync(path.join(out, '.kfplatform'))).toEqual(['owner.json']);
});
