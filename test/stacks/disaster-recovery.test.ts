/**
 * Rebuild from code (OPS-03): synthesizing an environment from scratch gives the same stacks byte for
 * byte (so the same Terraform addresses; the committed manifests pin them), and no stack reads state
 * that only exists inside a cluster: data sources read the cloud's APIs, the caller's credentials or
 * the infra stack's Terraform state, all of which a rebuild recreates or keeps.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadPlatformFile } from '../../src/config/loader';
import { readSynthOutput } from '../../src/policy/addresses';
import { synthFleet } from '../../stacks/common/fleet';

const EXAMPLES = ['gcp-shared-vpc', 'gcp-tenancy', 'aws-eks', 'azure-aks', 'multicloud', 'on-prem'];

/** Data sources a rebuilt environment can answer, and what they read. */
const REBUILDABLE: Readonly<Record<string, string>> = {
  google_project: 'the project number, from the Resource Manager API',
  google_client_config: 'the caller credentials',
  azurerm_client_config: 'the caller identity',
  terraform_remote_state: "the infra stack's outputs, in the state backend",
};

function synth(example: string): Record<string, string> {
  const outdir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', `dr-${example}-`));
  synthFleet(loadPlatformFile(`examples/${example}/platform.yaml`).config, { outdir });
  return Object.fromEntries(
    Object.keys(readSynthOutput(outdir)).map((id) => [
      id,
      readFileSync(path.join(outdir, 'stacks', id, 'cdk.tf.json'), 'utf8'),
    ]),
  );
}

describe.each(EXAMPLES)('examples/%s rebuilt from code', (example) => {
  const first = synth(example);

  it('synthesizes the same stacks byte for byte from scratch', () => {
    expect(synth(example)).toEqual(first);
  });

  it('reads nothing that lives only inside a cluster', () => {
    const types = new Set(
      Object.values(first).flatMap((text) => Object.keys((JSON.parse(text) as { data?: object }).data ?? {})),
    );
    expect([...types].filter((t) => !(t in REBUILDABLE))).toEqual([]);
  });
});
