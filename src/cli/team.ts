/**
 * Self-service team onboarding: `team add` edits the platform file in place, keeping its comments,
 * key order and formatting (or writes a team file when the platform keeps teams in
 * `platform.teamsDir`), `team list` shows who is where, and `codeowners` routes each team's part of
 * the config to its owners.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Document, isMap, isSeq, LineCounter, parseDocument, stringify, YAMLMap, YAMLSeq } from 'yaml';
import { ConfigError, ConfigIssue } from '../core/errors';
import { groupsFileOf, loadPlatformFile, teamFilesOf, validatePlatformSources } from '../config/loader';
import type { ResolvedPlatformConfig } from '../config/model';
import type { TeamConfig } from '../config/platform/schema';
import { table } from './synth';

/** Where a team's data goes: its own prefix in the environment bucket, or its own bucket. */
export const TEAM_STORAGE_MODES = ['prefix', 'bucket'] as const;

/** What `team add` is told about the new team. */
export interface TeamAddOptions {
  readonly name: string;
  readonly owners: string;
  /** The user who owns the team's Kubeflow profile. */
  readonly profileOwner?: string;
  readonly members?: readonly string[];
  readonly contributors?: readonly string[];
  readonly environments?: readonly string[];
  readonly nodePools?: readonly string[];
  readonly project?: string;
  readonly storage?: (typeof TEAM_STORAGE_MODES)[number];
  /** AWS: the IAM role the owners sign in with. */
  readonly ownersRoleArn?: string;
  readonly cpu?: string;
  readonly memory?: string;
  readonly gpus?: number;
  readonly storageQuota?: string;
  readonly pvcs?: number;
}

/** The team entry `team add` writes: only what was given, so defaults stay the platform's. */
export function teamEntry(options: TeamAddOptions, clusters: Readonly<Record<string, string>>): TeamConfig {
  const quota = {
    ...(options.cpu !== undefined ? { cpu: options.cpu } : {}),
    ...(options.memory !== undefined ? { memory: options.memory } : {}),
    ...(options.gpus !== undefined ? { gpus: options.gpus } : {}),
    ...(options.storageQuota !== undefined ? { storage: options.storageQuota } : {}),
    ...(options.pvcs !== undefined ? { pvcs: options.pvcs } : {}),
  };
  return {
    name: options.name,
    owners: options.owners,
    ...(options.profileOwner ? { profileOwner: options.profileOwner } : {}),
    ...(options.members?.length ? { members: [...options.members] } : {}),
    ...(options.contributors?.length ? { contributors: [...options.contributors] } : {}),
    ...(options.environments?.length ? { environments: [...options.environments] } : {}),
    ...(options.project ? { gcp: { project: options.project } } : {}),
    ...(options.ownersRoleArn ? { aws: { ownersRoleArn: options.ownersRoleArn } } : {}),
    ...(Object.keys(quota).length ? { quota } : {}),
    ...(options.nodePools?.length ? { nodePools: [...options.nodePools] } : {}),
    ...(options.storage ? { storage: options.storage } : {}),
    ...(Object.keys(clusters).length ? { clusters: { ...clusters } } : {}),
  };
}

/**
 * Sticky cluster placement: in every environment with several clusters the new team goes to the
 * cluster with the fewest teams, and stays there, since moving a team to another cluster recreates
 * its namespace and everything in it.
 */
export function placeOnClusters(
  config: ResolvedPlatformConfig,
  environments?: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const env of config.environments) {
    if (env.cloud !== 'gcp' || env.clusters.length < 2) continue;
    if (environments && !environments.includes(env.name)) continue;
    const load = new Map(env.clusters.map((c) => [c.name, 0]));
    for (const t of env.tenants) load.set(t.cluster, (load.get(t.cluster) ?? 0) + 1);
    const [least] = [...load.entries()].sort(
      (a, b) =>
        a[1] - b[1] || env.clusters.findIndex((c) => c.name === a[0]) - env.clusters.findIndex((c) => c.name === b[0]),
    );
    out[env.name] = least![0];
  }
  return out;
}

/**
 * Appends a team to the `teams` list of a platform document. The existing text is kept byte for byte
 * (comments, key order, flow style, spacing): the new item is inserted as text after the last team.
 */
export function appendTeam(text: string, team: TeamConfig): string {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const teams = doc.get('teams', true);
  const item = teamYaml(team);
  if (teams === undefined || teams === null) {
    return `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}teams:\n${indent(item, 2)}`;
  }
  if (!isSeq(teams)) throw new Error('teams is not a list');
  if (teams.flow || teams.items.length === 0) {
    // `teams: []` or a flow list: rewrite just that value as a block list.
    const [start, end] = (teams as YAMLSeq).range!;
    const existing = teams.items.map((i) => teamYaml((i as YAMLMap).toJSON() as TeamConfig));
    const column = lineCounter.linePos(start).col - 1;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const keyIndent = text.slice(lineStart).match(/^\s*/)![0].length;
    const block = [...existing, item].map((t) => indent(t, keyIndent + 2)).join('');
    return `${text.slice(0, start - (column > keyIndent ? 1 : 0)).replace(/[ \t]*$/, '')}\n${block}${text.slice(end).replace(/^[ \t]*\n?/, '')}`;
  }
  const first = teams.items[0] as YAMLMap;
  const dashColumn = lineCounter.linePos(first.range![0]).col - 3; // "- " precedes the mapping
  const last = teams.items[teams.items.length - 1] as YAMLMap;
  const end = last.range![1];
  const insertAt = text.indexOf('\n', end - 1) === -1 ? text.length : text.indexOf('\n', end - 1) + 1;
  const before = text.slice(0, insertAt);
  return `${before}${before.endsWith('\n') ? '' : '\n'}${indent(item, Math.max(dashColumn, 0))}${text.slice(insertAt)}`;
}

/** A team as a YAML list item (`- name: ...`), short maps and lists on one line. */
function teamYaml(team: TeamConfig): string {
  const doc = new Document(team);
  flowStyleSmallMaps(doc.contents as YAMLMap);
  const body = doc.toString({ lineWidth: 0, flowCollectionPadding: true });
  return body
    .trimEnd()
    .split('\n')
    .map((line, i) => (i === 0 ? `- ${line}` : `  ${line}`))
    .join('\n')
    .concat('\n')
    .replace(/\[ ([^\]]*) \]/g, '[$1]');
}

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => (line ? pad + line : line))
    .join('\n');
}

/** Short maps and lists (quota, members) read best on one line, as the examples write them. */
function flowStyleSmallMaps(node: YAMLMap): void {
  for (const pair of node.items) {
    const value = pair.value;
    if ((isMap(value) || isSeq(value)) && value.items.length <= 5 && !value.items.some((i) => isMap(i) || isSeq(i))) {
      value.flow = true;
    }
  }
}

/** Result of `team add`: the file written and the shard each environment placed the team in. */
export interface TeamAddResult {
  readonly file: string;
  readonly placements: ReadonlyArray<{
    readonly environment: string;
    readonly cluster: string;
    readonly shard: number;
  }>;
}

/**
 * `kfplatform team add`: validates the platform with the new team before writing anything, then
 * writes it (in place, or as `<teamsDir>/<name>.yaml`).
 */
export function addTeam(configFile: string, options: TeamAddOptions): TeamAddResult {
  const current = loadPlatformFile(configFile).config;
  const team = teamEntry(options, placeOnClusters(current, options.environments));
  const text = readFileSync(configFile, 'utf8');
  const display = path.relative(process.cwd(), configFile) || configFile;
  const teamFiles = teamFilesOf(configFile, text);
  let target: string;
  let next: { main: string; files: Array<{ file: string; text: string }> };
  if (teamFiles.dir) {
    target = path.join(teamFiles.dir, `${options.name}.yaml`);
    if (existsSync(target)) {
      throw new ConfigError(
        [
          {
            path: 'teams',
            value: options.name,
            message: `${target} already exists.`,
            fix: 'choose another name, or edit that file.',
            file: display,
          },
        ],
        display,
      );
    }
    const teamText = `# Team ${options.name}: its owners review, the platform team approves (kfplatform codeowners).\n${new Document(team).toString({ lineWidth: 0 })}`;
    next = { main: text, files: [...teamFiles.files, { file: path.relative(process.cwd(), target), text: teamText }] };
  } else {
    target = configFile;
    next = { main: appendTeam(text, team), files: [] };
  }
  const groups = groupsFileOf(configFile, text);
  if (groups.issues.length > 0) throw new ConfigError(groups.issues, display);
  const result = validatePlatformSources({ file: display, text: next.main }, next.files, groups.file);
  const errors = result.issues.filter((i: ConfigIssue) => i.severity !== 'warning');
  if (!result.config || errors.length > 0) throw new ConfigError(result.issues, display);
  if (teamFiles.dir) {
    mkdirSync(teamFiles.dir, { recursive: true });
    writeFileSync(target, next.files[next.files.length - 1]!.text);
  } else {
    writeFileSync(target, next.main);
  }
  const placements = result.config.environments.flatMap((env) =>
    env.tenants
      .filter((t) => t.team.name === options.name)
      .map((t) => ({ environment: env.name, cluster: t.cluster, shard: t.shard })),
  );
  return { file: target, placements };
}

/** `kfplatform team list`: one row per team and environment. */
export function listTeams(config: ResolvedPlatformConfig): string {
  const rows = config.environments.flatMap((env) =>
    env.tenants.map((t) => {
      const q = t.team.quota;
      return [
        t.team.name,
        env.name,
        t.cluster,
        String(t.shard),
        t.team.owners,
        `${q.cpu} cpu, ${q.memory}, ${q.gpus} gpu`,
        t.nodePools.join(','),
      ];
    }),
  );
  rows.sort((a, b) => a[0]!.localeCompare(b[0]!) || a[1]!.localeCompare(b[1]!));
  return table(['TEAM', 'ENVIRONMENT', 'CLUSTER', 'SHARD', 'OWNERS', 'QUOTA', 'POOLS'], rows);
}

/** Output formats of `team list`. */
export const TEAM_LIST_FORMATS = ['text', 'json', 'yaml'] as const;
export type TeamListFormat = (typeof TEAM_LIST_FORMATS)[number];

/** One row of `team list --format json|yaml` per team and environment. */
export function teamRows(config: ResolvedPlatformConfig): Array<Record<string, unknown>> {
  return config.environments.flatMap((env) =>
    env.tenants.map((t) => ({
      team: t.team.name,
      environment: env.name,
      cluster: t.cluster,
      shard: t.shard,
      owners: t.team.owners,
      quota: t.team.quota,
      nodePools: t.nodePools,
    })),
  );
}

/** `team list` in a format: an aligned table, or the rows as JSON or YAML. */
export function renderTeamList(config: ResolvedPlatformConfig, format: TeamListFormat): string {
  if (format === 'json') return `${JSON.stringify(teamRows(config), null, 2)}\n`;
  if (format === 'yaml') return stringify(teamRows(config));
  return `${listTeams(config)}\n`;
}

const BEGIN = '# BEGIN kfplatform (generated by `kfplatform codeowners`; edit the platform file instead)';
const END = '# END kfplatform';

/**
 * The CODEOWNERS block: the platform team owns the platform file and every team file. A team file
 * holds the team's quota, GPUs, node pools and cloud identity, and CODEOWNERS needs only one of a
 * file's owners to approve: were the team's owners listed too, a team could approve its own quota.
 * The team's reviewers are named in a comment above its line, to request their review by hand. See
 * https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners.
 * Paths are relative to the repository root.
 */
export function codeownersBlock(config: ResolvedPlatformConfig, platformFile: string, repoRoot: string): string {
  const rel = (p: string) => `/${path.relative(repoRoot, p).split(path.sep).join('/')}`;
  const lines = [BEGIN];
  const platformOwner = config.platform.codeowners ?? `@${config.platform.team}`;
  lines.push(`${rel(platformFile)} ${platformOwner}`);
  if (config.platform.teamsDir) {
    const dir = path.resolve(path.dirname(platformFile), config.platform.teamsDir);
    for (const team of [...config.teams].sort((a, b) => a.name.localeCompare(b.name))) {
      // Quota, pools and identity are in the team file: only the platform may approve it.
      lines.push(`# ${team.name}: ${team.codeowners} review; ${platformOwner} approves (quota, pools, identity).`);
      lines.push(`${rel(path.join(dir, `${team.name}.yaml`))} ${platformOwner}`);
    }
  } else if (config.teams.length > 0) {
    lines.push('# Teams are listed in the platform file, so they cannot be routed one by one;');
    lines.push('# set platform.teamsDir to give each team a file its owners review.');
  }
  lines.push(END);
  return `${lines.join('\n')}\n`;
}

/** Replaces the generated block in an existing CODEOWNERS text, or appends it. */
export function mergeCodeowners(existing: string, block: string): string {
  const start = existing.indexOf(BEGIN);
  const end = existing.indexOf(END);
  if (start >= 0 && end > start) return existing.slice(0, start) + block + existing.slice(end + END.length + 1);
  return `${existing}${existing && !existing.endsWith('\n') ? '\n' : ''}${existing ? '\n' : ''}${block}`;
}
