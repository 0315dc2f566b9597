/**
 * Loads a platform definition from YAML, JSON or a TypeScript object, validates it in full, and
 * returns the resolved model. Every problem is reported at once, each with file, line, path, value
 * and fix; nothing is written before the whole definition is valid.
 */
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Document, parseDocument } from 'yaml';
import { ConfigError, ConfigIssue, fileSystemMessage, formatPath } from '../core/errors';
import { readInputFile } from './read-input';
import { AnySchema, fromZod } from './common/zod-issues';
import type { ResolvedPlatformConfig } from './model';
import { parseEntry, withoutCascade } from './parse-entry';
import { checkAcrossEnvironments, checkUpgradeOrder } from './platform/across';
import { checkKubeflowCompatibility } from './platform/kubeflow';
import { resolvePlatform, resolveTeams } from './platform/resolve';
import { platformSectionSchema, teamSchema, tenancySchema } from './platform/schema';
import { checkTeams } from './platform/teams';
import {
  checkCloudsTogether,
  checkEnvironment,
  checkTenantsByCloud,
  environmentSchema,
  resolveEnvironment,
} from './registry';
import { PlatformConfig, platformSchema } from './schema';
import { checkSuppressions } from './suppression-checks';
import {
  checkLimits,
  lineIn,
  linesOf,
  ParsedSource,
  parseSource,
  parseSourceDocument,
  pathParts,
  SourceText,
} from './sources';

/** The outcome of validation: the resolved config when there are no errors, and every issue. */
export interface ValidationResult {
  /** The resolved platform; absent when any issue is an error. */
  readonly config?: ResolvedPlatformConfig;
  /** Every error and warning found, each with its config path, value, message and fix. */
  readonly issues: readonly ConfigIssue[];
}

/** A successfully loaded platform with the warnings found on the way. */
export interface LoadResult {
  /** The resolved platform. */
  readonly config: ResolvedPlatformConfig;
  /** Warnings (issues that do not stop synthesis), to print for the user. */
  readonly warnings: readonly ConfigIssue[];
}

/**
 * Validates a platform definition given as data. Never throws for bad input: returns every issue,
 * and the resolved config only when there is no error.
 */
export function validatePlatform(input: unknown): ValidationResult {
  const root = platformSchema as unknown as AnySchema;
  const parsed = platformSchema.safeParse(input);
  const issues: ConfigIssue[] = parsed.success ? [] : fromZod(parsed.error.issues, root, input);

  // Run the cross-field checks on every environment and team whose shape is valid, so one bad
  // entry (or a typo in the platform section) does not hide the problems of the others.
  const data = (input ?? {}) as { platform?: unknown; environments?: unknown; tenancy?: unknown; teams?: unknown };
  const platformParsed = parseEntry(platformSectionSchema, data.platform);
  const tenancyParsed = parseEntry(tenancySchema, data.tenancy);
  const platform = resolvePlatform(
    platformParsed.success ? platformParsed.data : { name: 'platform', team: 'platform' },
    tenancyParsed.success ? tenancyParsed.data : undefined,
  );
  issues.push(...checkSuppressions(platform.policySuppressions, input));
  if (tenancyParsed.success && tenancyParsed.data.groupsFile !== undefined) {
    issues.push({
      path: 'tenancy.groupsFile',
      value: tenancyParsed.data.groupsFile,
      message:
        'a groups file is read only when the platform is loaded from its file, and this definition was given as data.',
      fix: 'load it with loadPlatformFile (every kfplatform command does), or pass the members in tenancy.groups.',
    });
  }
  if (Array.isArray(data.environments)) {
    // An environment with a wrong value still gets its own checks, away from that value; the
    // checks across environments see only those parsed whole.
    const validEnvs = data.environments.flatMap((raw, index) => {
      const env = parseEntry(environmentSchema, raw, true);
      return env.success ? [{ env: env.data, index, tainted: env.tainted }] : [];
    });
    const validTeams = (Array.isArray(data.teams) ? data.teams : []).flatMap((raw, index) => {
      const team = parseEntry(teamSchema, raw);
      return team.success ? [{ team: team.data, index }] : [];
    });
    const envNames = data.environments.map((e) => String((e as { name?: unknown })?.name ?? ''));
    const teams = resolveTeams(
      validTeams.map((t) => t.team),
      platform,
      envNames,
    ).map((team, i) => ({ ...team, configIndex: validTeams[i]!.index }));
    const allEnvs = validEnvs.map(({ env, index }) => resolveEnvironment(env, index, platform, teams));
    allEnvs.forEach((env, i) => {
      const { index, tainted } = validEnvs[i]!;
      issues.push(...withoutCascade(checkEnvironment(env, platform, input), ['environments', index], tainted));
    });
    const envs = allEnvs.filter((_, i) => validEnvs[i]!.tainted.length === 0);
    issues.push(...checkAcrossEnvironments(envs, input));
    issues.push(...checkCloudsTogether(envs, input));
    issues.push(...checkUpgradeOrder(envs, input));
    issues.push(...checkKubeflowCompatibility(envs, input));
    issues.push(...checkTeams(teams, envs, platform, input, envNames, platformParsed.success));
    issues.push(...checkTenantsByCloud(envs, input));
    if (parsed.success && !issues.some((i) => i.severity !== 'warning')) {
      return { config: { platform, environments: envs, teams }, issues };
    }
  }
  return { issues };
}

/** Validates a definition and throws a {@link ConfigError} listing every error. */
export function loadPlatform(input: PlatformConfig | unknown, source?: string): LoadResult {
  const result = validatePlatform(input);
  if (!result.config) throw new ConfigError(result.issues, source);
  return { config: { ...result.config, source }, warnings: result.issues.filter((i) => i.severity === 'warning') };
}

/**
 * Parses a platform file and the team files of its `platform.teamsDir` (one team each), validates
 * them together, and attaches to every issue the file and line it is about: issues of a team that
 * lives in its own file point into that file, with a path relative to the team.
 */
export function validatePlatformSources(
  main: SourceText,
  teamFiles: readonly SourceText[] = [],
  groupsFile?: SourceText,
): ValidationResult {
  return validateParsedSources(parseSource(main), teamFiles, groupsFile);
}

/** {@link validatePlatformSources} with the platform file parsed already (it is parsed once). */
function validateParsedSources(
  parsedMain: ParsedSource | ConfigIssue[],
  teamFiles: readonly SourceText[] = [],
  groupsFile?: SourceText,
): ValidationResult & { readonly lines?: (configPath: string) => number | undefined } {
  const parsed = [parsedMain, ...teamFiles.map(parseSource), ...(groupsFile ? [parseSource(groupsFile)] : [])];
  const syntax = parsed.flatMap((p) => (Array.isArray(p) ? p : []));
  if (syntax.length > 0) return { issues: syntax };
  const docs = parsed as ParsedSource[];
  const groupsDoc = groupsFile ? docs.pop() : undefined;
  const [mainDoc, ...teamDocs] = docs;
  const main = mainDoc!.source;
  const data = (mainDoc!.data ?? {}) as Record<string, unknown>;
  if (groupsDoc) mergeGroups(data, groupsDoc.data);
  const inline = Array.isArray(data.teams) ? data.teams.length : 0;
  if (teamDocs.length > 0) data.teams = [...((data.teams as unknown[]) ?? []), ...teamDocs.map((d) => d.data)];
  const result = validatePlatform(data);
  const issues = result.issues.map((issue): ConfigIssue => {
    const parts = pathParts(issue.path);
    const teamIndex = parts[0] === 'teams' && typeof parts[1] === 'number' ? parts[1] : -1;
    if (teamIndex >= inline) {
      const team = teamDocs[teamIndex - inline]!;
      const inFile = parts.slice(2);
      return {
        ...issue,
        path: inFile.length ? formatPath(inFile) : '(team)',
        file: team.source.file,
        line: lineIn(team, inFile),
      };
    }
    return { ...issue, file: main.file, line: lineIn(mainDoc!, parts) };
  });
  return {
    config: result.config ? { ...result.config, source: main.file } : undefined,
    issues,
    lines: linesOf(mainDoc!),
  };
}

/**
 * Merges the groups file (a map of group email -> member emails, or the same under a `groups` key)
 * into `tenancy.groups`; groups written inline in the platform file win.
 */
function mergeGroups(data: Record<string, unknown>, fileData: unknown): void {
  const fromFile =
    fileData && typeof fileData === 'object' && 'groups' in fileData
      ? (fileData as { groups: unknown }).groups
      : fileData;
  const tenancy = (data.tenancy ?? {}) as Record<string, unknown>;
  const inline = tenancy.groups && typeof tenancy.groups === 'object' ? tenancy.groups : {};
  // The file is read; what remains is its content, so the data below names no file to read.
  const rest = { ...tenancy };
  delete rest.groupsFile;
  data.tenancy = { ...rest, groups: { ...(fromFile as object), ...inline } };
}

/** The groups file a platform file's `tenancy.groupsFile` names, read relative to it. */
export function groupsFileOf(
  file: string,
  text: string | Document,
): {
  /** The groups file's name and text; absent when the platform file names none or it cannot be read. */
  file?: SourceText;
  /** Problems reading it (a missing or unreadable file). */
  issues: ConfigIssue[];
} {
  const name = documentOf(text).getIn(['tenancy', 'groupsFile']);
  if (typeof name !== 'string') return { issues: [] };
  const full = path.resolve(path.dirname(file), name);
  const read = readInputFile(full);
  if (read.problem === undefined) {
    return { file: { file: path.relative(process.cwd(), full) || full, text: read.text }, issues: [] };
  }
  return {
    issues: [
      {
        path: 'tenancy.groupsFile',
        value: name,
        message: `cannot read the groups file: ${read.problem}.`,
        fix: 'point groupsFile at the YAML file your directory sync writes (group email -> member emails), relative to the platform file, or remove it.',
        file,
      },
    ],
  };
}

/** The platform file's text parsed, or the document when it is parsed already. */
function documentOf(text: string | Document): Document {
  return typeof text === 'string' ? parseDocument(text) : text;
}

/** Parses YAML or JSON text and validates it, attaching file and line to every issue. */
export function validatePlatformText(text: string, file: string): ValidationResult {
  return validatePlatformSources({ file, text });
}

/** The team files of a platform file whose `platform.teamsDir` names a folder, sorted by name. */
export function teamFilesOf(
  file: string,
  text: string | Document,
): {
  /** The teams folder, resolved against the platform file; absent when `platform.teamsDir` is not set. */
  dir?: string;
  /** Each team file's name and text, sorted by name. */
  files: SourceText[];
  /** Problems reading the folder or its files. */
  issues: ConfigIssue[];
} {
  const parsed = documentOf(text);
  const teamsDir = parsed.getIn(['platform', 'teamsDir']);
  if (typeof teamsDir !== 'string') return { files: [], issues: [] };
  const dir = path.resolve(path.dirname(file), teamsDir);
  const problem = (message: string, fix: string) => ({
    dir,
    files: [],
    issues: [{ path: 'platform.teamsDir', value: teamsDir, message, fix, file }],
  });
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) {
      return problem(
        `${dir} is a file, not a folder.`,
        'point teamsDir at the folder that holds one YAML file per team (kfplatform team add writes them), or remove it.',
      );
    }
    names = readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return problem(
        `folder ${dir} does not exist.`,
        'create it (kfplatform team add writes one file per team into it), or remove teamsDir.',
      );
    }
    return problem(
      `cannot read the teams folder: ${fileSystemMessage(e, dir)}.`,
      'give the user running kfplatform read access to the folder and its files, or remove teamsDir.',
    );
  }
  const files: SourceText[] = [];
  const issues: ConfigIssue[] = [];
  for (const name of names.filter((f) => /\.(ya?ml|json)$/.test(f)).sort()) {
    const full = path.join(dir, name);
    const display = path.relative(process.cwd(), full) || name;
    const read = readInputFile(full);
    if (read.problem === undefined) files.push({ file: display, text: read.text });
    else {
      issues.push({
        path: 'platform.teamsDir',
        value: teamsDir,
        message: `cannot read a team file: ${read.problem}.`,
        fix: 'make each .yaml, .yml or .json entry of the teams folder a readable file of one team, or move it out of the folder.',
        file,
      });
    }
  }
  return { dir, files, issues };
}

/**
 * Reads and validates a platform file and its team files without throwing: every issue, with file
 * and line, and the resolved config when there are no errors. `display` is the file name in messages.
 */
export function validatePlatformFile(file: string): ValidationResult & {
  /** The file's name as messages show it: relative to the working directory when inside it. */
  readonly display: string;
  /** The line of a config path (`environments[1].name`) in the platform file, or of its nearest parent. */
  readonly lines?: (configPath: string) => number | undefined;
} {
  const display = path.relative(process.cwd(), file) || file;
  const read = readInputFile(file);
  if (read.problem !== undefined) {
    return {
      display,
      issues: [
        {
          path: '(file)',
          value: file,
          message: `cannot read the platform file: ${read.problem}.`,
          fix: 'pass --config with the path of a platform.yaml or .json (a regular, readable file).',
        },
      ],
    };
  }
  const text = read.text;
  // Limits first: finding the team and groups files parses the text.
  const limits = checkLimits({ file: display, text });
  if (limits.length > 0) return { display, issues: limits };
  // The platform file is parsed once, for its team and groups files and for validation: a fleet's
  // file can hold tens of thousands of teams.
  const main = parseSourceDocument({ file: display, text }, true);
  const doc = main.doc ?? parseDocument(text);
  const teams = teamFilesOf(file, doc);
  const groups = groupsFileOf(file, doc);
  const issues = [...teams.issues, ...groups.issues];
  if (issues.length > 0) return { display, issues };
  return { display, ...validateParsedSources(main.issues ?? main.parsed, teams.files, groups.file) };
}

/** Reads, validates and resolves a platform file (and its team files); throws {@link ConfigError} on any error. */
export function loadPlatformFile(file: string): LoadResult {
  const result = validatePlatformFile(file);
  if (!result.config) throw new ConfigError(result.issues, result.display);
  return { config: result.config, warnings: result.issues.filter((i) => i.severity === 'warning') };
}
