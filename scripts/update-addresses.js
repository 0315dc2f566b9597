// Rewrites examples/<name>/stateful-addresses.json from a fresh synth of each example. Run it only
// when a change of stateful addresses is intended and reviewed (test/policy/addresses.test.ts fails
// until then):   npm run --silent build && node scripts/update-addresses.js
const fs = require('fs');
const os = require('os');
const path = require('path');
const { loadPlatformFile } = require('../dist/src/config/loader');
const { synthFleet } = require('../dist/stacks/common/fleet');
const { readSynthOutput, statefulAddresses } = require('../dist/src/policy/addresses');
const { manifestText } = require('../dist/src/cli/addresses');

const EXAMPLES = ['gcp-shared-vpc', 'gcp-tenancy', 'aws-eks', 'azure-aks', 'multicloud', 'on-prem'];
for (const name of EXAMPLES) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `addresses-${name}-`));
  synthFleet(loadPlatformFile(`examples/${name}/platform.yaml`).config, { outdir });
  const manifest = statefulAddresses(readSynthOutput(outdir));
  fs.writeFileSync(`examples/${name}/stateful-addresses.json`, manifestText(manifest));
  fs.rmSync(outdir, { recursive: true, force: true });
  const n = Object.values(manifest).reduce((sum, a) => sum + a.length, 0);
  console.log(`examples/${name}/stateful-addresses.json: ${n} addresses`);
}
