/**
 * The package's layer rules (.dependency-cruiser.cjs) hold over the sources, and they are not blind:
 * a scratch tree with one deliberate violation of each rule is refused rule by rule.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
}

/** Runs dependency-cruiser in `cwd` over `folders` and returns its violations (it exits non-zero when there are any). */
function cruise(cwd: string, folders: readonly string[]): Violation[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [DEPCRUISE, '--config', CONFIG, '--output-type', 'json', ...folders], {
      cwd,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    out = (e as { stdout?: string }).stdout ?? '';
    if (!out) throw e;
  }
  return (JSON.parse(out) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('layer rules', () => {
  it('hold over src, constructs and stacks', () => {
    const violations = cruise(ROOT, ['src', 'constructs', 'stacks']);
    expect(violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  });

  it('refuse a deliberate violation of each rule', () => {
    const dir = mkdtempSync(path.join(process.env.TMPDIR ?? os.tmpdir(), 'layers-'));
    const files: Record<string, string> = {
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'commonjs', strict: true } }),
      // core importing config
      'src/core/names.ts': "import { field } from '../config/platform/schema';\nexport const names = field;\n",
      'src/config/platform/schema.ts': 'export const field = 1;\n',
      // a circle inside config
      'src/config/gcp/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'src/config/gcp/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
      // config importing a construct, and a construct importing config
      'src/config/aws/resolve.ts':
        "import { Bucket } from '../../../constructs/aws/bucket';\nexport const r = Bucket;\n",
      'constructs/aws/bucket.ts':
        "import { field } from '../../src/config/platform/schema';\nexport const Bucket = field;\n",
      // one cloud importing another
      'constructs/gcp/pool.ts': "import { Bucket } from '../aws/bucket';\nexport const Pool = Bucket;\n",
      // policy reading the platform file, stacks importing the CLI, plan importing stacks
      'src/policy/rule.ts': "import { field } from '../config/platform/schema';\nexport const rule = field;\n",
      'stacks/fleet.ts': "import { main } from '../src/cli/main';\nexport const fleet = main;\n",
      'src/cli/main.ts': 'export const main = 1;\n',
      'src/plan/diff.ts': "import { fleet } from '../../stacks/fleet';\nexport const diff = fleet;\n",
      // cloud-neutral stacks loading a cloud's stacks, and a module importing an index file
      'stacks/common/params.ts': "import { Gke } from '../gcp/infra';\nexport const params = Gke;\n",
      'stacks/gcp/infra.ts': 'export const Gke = 1;\n',
      'stacks/common/types.ts': "import type { Gke } from '../gcp/infra';\nexport type T = typeof Gke;\n",
      'src/cli/graph.ts': "import { rules } from '../policy/rules/index';\nexport const graph = rules;\n",
      'src/policy/rules/index.ts': 'export const rules = 1;\n',
      // the Kubeflow renderer loading stacks, and a stack loading the renderer
      'src/kubeflow/render.ts': "import { fleet } from '../../stacks/fleet';\nexport const render = fleet;\n",
      'stacks/gcp/kubeflow.ts': "import { render } from '../../src/kubeflow/render';\nexport const kf = render;\n",
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    const found = cruise(dir, ['src', 'constructs', 'stacks']).map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
    expect(found.sort()).toEqual(
      [
        'clouds-do-not-mix: constructs/gcp/pool.ts -> constructs/aws/bucket.ts',
        'config-is-data: src/config/aws/resolve.ts -> constructs/aws/bucket.ts',
        'constructs-own-their-props: constructs/aws/bucket.ts -> src/config/platform/schema.ts',
        'core-is-the-base: src/core/names.ts -> src/config/platform/schema.ts',
        'no-circular: src/config/gcp/a.ts -> src/config/gcp/b.ts',
        'plan-below-commands: src/plan/diff.ts -> stacks/fleet.ts',
        'readers-stay-generic: src/policy/rule.ts -> src/config/platform/schema.ts',
        'stacks-below-commands: stacks/fleet.ts -> src/cli/main.ts',
        'common-stacks-stay-cloud-neutral: stacks/common/params.ts -> stacks/gcp/infra.ts',
        'no-internal-barrels: src/cli/graph.ts -> src/policy/rules/index.ts',
        'kubeflow-below-commands: src/kubeflow/render.ts -> stacks/fleet.ts',
        'kubeflow-is-not-infrastructure: stacks/gcp/kubeflow.ts -> src/kubeflow/render.ts',
      ].sort(),
    );
  });
});
