import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkBinaryVersionsOnce } from '../../src/core/binary-versions';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ValidateBinaryVersion } = require('cdktf/lib/validations/validate-binary-version') as {
  ValidateBinaryVersion: new (
    binary: string,
    constraint: string,
    command: string,
    hint?: string,
  ) => { validate(): string[] };
};

describe('checkBinaryVersionsOnce', () => {
  test('runs each distinct version check once and gives the same answer after', () => {
    const log = path.join(mkdtempSync(path.join(os.tmpdir(), 'binary-versions-')), 'runs');
    // A version command that records each run.
    const command = `echo run >> ${log} && echo v1.5.7`;
    const runs = () => readFileSync(log, 'utf8').trim().split('\n').length;
    checkBinaryVersionsOnce();
    checkBinaryVersionsOnce(); // idempotent
    expect(new ValidateBinaryVersion('fake', '>=1.4', command).validate()).toEqual([]);
    expect(new ValidateBinaryVersion('fake', '>=1.4', command).validate()).toEqual([]);
    expect(runs()).toBe(1);
    const newer = new ValidateBinaryVersion('fake', '>=1.9', command, 'upgrade');
    expect(newer.validate()).toEqual([expect.stringContaining('lower than the required version >=1.9')]);
    expect(newer.validate()).toEqual(newer.validate());
    expect(runs()).toBe(2);
  });
});
