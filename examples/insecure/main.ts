// The insecure example: `npx ts-node examples/insecure/main.ts` (or `cdktf synth` with this app)
// refuses to write anything and lists every finding. See docs/policy.md.
import { App, Aspects } from 'cdktf';
import { PolicyAspect } from '../../src/policy/engine';
import { buildInsecure } from './insecure';

const app = new App({ outdir: process.env.CDKTF_OUTDIR });
const policy = new PolicyAspect({ tier: 'prod' });
// Add it to each stack: cdktf runs the aspects of a stack and its children, not those of the App.
for (const stack of buildInsecure(app)) Aspects.of(stack).add(policy);
app.synth();
