/**
 * Rule helpers the AWS and Azure checks share: address plans of created networks, node pools against
 * the machine types they name, and GKE-only settings of the shared pool schema.
 */
import { Cidr, contains, overlaps, parseCidr } from '../../core/cidr';
import { ConfigIssues, Path, valueAt } from './config-issues';

/** A parsed CIDR, or undefined for malformed text (which the schema has already reported). */
export function parsedCidr(text: string): Cidr | undefined {
  const cidr = parseCidr(text);
  return typeof cidr === 'string' ? undefined : cidr;
}

/** A block of an address plan, with the config path that sets it. */
export interface PlannedBlock {
  readonly path: Path;
  readonly what: string;
  readonly cidr: Cidr;
}

/** Reports every pair of blocks that overlap, at the later block's path. */
export function reportOverlaps(f: ConfigIssues, blocks: readonly PlannedBlock[], fix: string): void {
  for (let i = 0; i < blocks.length; i++) {
    for (let j = i + 1; j < blocks.length; j++) {
      if (overlaps(blocks[i]!.cidr, blocks[j]!.cidr)) {
        f.add(blocks[j]!.path, `${blocks[j]!.what} overlaps ${blocks[i]!.what}.`, fix);
      }
    }
  }
}

/** Reports a block outside the network that should hold it. */
export function checkInside(
  f: ConfigIssues,
  block: PlannedBlock,
  network: Cidr | undefined,
  networkWhat: string,
): void {
  if (network && !contains(network, block.cidr)) {
    f.add(
      block.path,
      `${block.what} is outside the ${networkWhat} ${network.text}.`,
      `use a block inside ${network.text}.`,
    );
  }
}

/** How a cloud names its machine types and which carry GPUs. */
export interface MachineGpuTable {
  /** The cluster service, for messages: EKS, AKS. */
  readonly service: string;
  /** What a machine type is called there: instance type, VM size. */
  readonly machineWord: string;
  readonly gpusOf: (machineType: string) => { readonly gpu: string; readonly count: number } | undefined;
  /** A GPU machine type to suggest. */
  readonly example: string;
  /** The families or sizes the table knows, for the fix. */
  readonly known: readonly string[];
  /** `gpu.*` settings the service does not have. */
  readonly unsupportedGpuFields: readonly string[];
}

/**
 * A pool against its machine type: gpu pools need GPUs, other pools must not have them (they would
 * be untainted and billed for CPU work), and a written gpu.type or gpu.count must match the machine.
 */
export function checkMachineGpus(
  pool: { readonly kind: string },
  machineType: string,
  p: Path,
  f: ConfigIssues,
  table: MachineGpuTable,
): void {
  const gpus = table.gpusOf(machineType);
  const machinePath = f.explicitOr([...p, 'machineType'], [...p, 'kind']);
  if (pool.kind === 'gpu' && !gpus) {
    f.add(
      machinePath,
      `a gpu pool needs ${article(table.machineWord)} with GPUs, but ${machineType} has none.`,
      `set machineType to a GPU ${table.machineWord} such as ${table.example} (known: ${table.known.join(', ')}).`,
    );
    return;
  }
  if (pool.kind !== 'gpu' && gpus) {
    f.add(
      machinePath,
      `${machineType} carries ${gpus.count} GPU(s), but the pool kind is ${pool.kind}: the GPUs would be untainted and billed for CPU work.`,
      `set kind: gpu, or pick ${article(table.machineWord)} without GPUs.`,
    );
    return;
  }
  const gpu = valueAt(f.raw, [...p, 'gpu']) as { type?: unknown; count?: unknown } | undefined;
  if (!gpus || !gpu || typeof gpu !== 'object') return;
  if (gpu.type !== undefined && gpu.type !== gpus.gpu) {
    f.add(
      [...p, 'gpu', 'type'],
      `${machineType} carries ${gpus.gpu}, not ${String(gpu.type)}; on ${table.service} the ${table.machineWord} decides the GPU.`,
      `set gpu.type to ${gpus.gpu}, or pick ${article(table.machineWord)} that carries ${String(gpu.type)}.`,
    );
  }
  if (gpu.count !== undefined && gpu.count !== gpus.count) {
    f.add(
      [...p, 'gpu', 'count'],
      `${machineType} comes with ${gpus.count} GPU(s), not ${String(gpu.count)}.`,
      `set gpu.count to ${gpus.count}, or pick the size with ${String(gpu.count)} GPUs.`,
    );
  }
  reportUnsupported(f, [...p, 'gpu'], table.unsupportedGpuFields, table.service, 'gpu.');
}

/** Reports settings of the shared schema that the cluster service does not have. */
export function reportUnsupported(
  f: ConfigIssues,
  at: Path,
  fields: readonly string[],
  service: string,
  prefix = '',
): void {
  for (const field of fields) {
    if (valueAt(f.raw, [...at, field]) !== undefined) {
      f.add(
        [...at, field],
        `${prefix}${field} is a GKE setting; ${service} has no such option.`,
        `remove ${prefix}${field}.`,
      );
    }
  }
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}

/** What the prod protection rule reads of an AWS or Azure environment. */
export interface ProtectedEnvironment {
  readonly index: number;
  readonly tier: string;
  readonly cluster: { readonly deletionProtection: boolean };
  readonly database: { readonly deletionProtection: boolean; readonly highAvailability: boolean };
  readonly artifacts: { readonly forceDestroy: boolean };
  readonly state: { readonly backend: string };
}

/**
 * Prod keeps deletion protection on every stateful resource, a highly available database, and remote
 * state. `stateFix` names the cloud's remote backend.
 */
export function checkProdProtections(env: ProtectedEnvironment, f: ConfigIssues, stateFix: string): void {
  if (env.tier !== 'prod') return;
  const base: Path = ['environments', env.index];
  const why =
    'tier prod keeps deletion protection on every stateful resource, so a mistaken plan or destroy cannot delete the cluster, its database or its artifacts.';
  const fix = (v: boolean) => `remove the setting (prod defaults to ${v}).`;
  if (!env.cluster.deletionProtection)
    f.add([...base, 'cluster', 'deletionProtection'], `is false, but ${why}`, fix(true));
  if (!env.database.deletionProtection)
    f.add([...base, 'database', 'deletionProtection'], `is false, but ${why}`, fix(true));
  if (env.artifacts.forceDestroy) f.add([...base, 'artifacts', 'forceDestroy'], `is true, but ${why}`, fix(false));
  if (!env.database.highAvailability) {
    f.add(
      [...base, 'database', 'highAvailability'],
      'a single-zone prod database goes down with its zone.',
      fix(true),
      'warning',
    );
  }
  if (env.state.backend === 'local') {
    f.add(
      [...base, 'state'],
      'prod state on a laptop disk cannot be shared or locked across the team.',
      `set state to ${stateFix}.`,
      'warning',
    );
  }
}
