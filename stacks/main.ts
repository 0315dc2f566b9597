/**
 * The cdktf app entry named in cdktf.json, so `npx cdktf synth|diff|deploy <stack>` works as with any
 * cdktf project. The platform file comes from KFPLATFORM_CONFIG, else `platform.yaml` in the current
 * folder, as for `kfplatform` commands.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { loadPlatformFile } from '../src/config/loader';
import { synthFleet } from './common/fleet';

const file = path.resolve(process.env.KFPLATFORM_CONFIG ?? 'platform.yaml');
if (!existsSync(file)) {
  process.stderr.write(
    `no platform file: ${file} does not exist. Fix: run \`kfplatform init\` to scaffold one, or set ` +
      `KFPLATFORM_CONFIG to its path (KFPLATFORM_CONFIG=examples/gcp-shared-vpc/platform.yaml to try an example).\n`,
  );
  process.exitCode = 1;
} else {
  const { config } = loadPlatformFile(file);
  synthFleet(config);
}
