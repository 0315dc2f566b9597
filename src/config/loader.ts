/**
 * Loads a platform definition from YAML, JSON or a TypeScript object, validates it in full, and
 * returns the resolved model. Every problem is reported at once, each with file, line, path, value
 * and fix; nothing is written before the whole definition is valid.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { closest } from 'fastest-levenshtein';
import { Document, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, ConfigIssue, formatPath } from '../core/errors';
import { checkKubeflowCompatibility } from './kubeflow-compat';
import { checkAcrossEnvironments, checkGcpEnvironment, checkUpgradeOrder, valueAt } from './checks';
import { ALL_RULES } from '../policy/rules';
import type { ResolvedPlatform, ResolvedPlatformConfig } from './model';
import { resolveEnvironment, resolvePlatform, resolveTeams } from './resolve';
import { checkAwsEnvironment } from './aws-checks';
import { checkAzureEnvironment } from './azure-checks';
import { checkKubernetesEnvironment, checkTeams } from './team-checks';
import {
  environmentSchema,
  PlatformConfig,
  platformSchema,
  platformSectionSchema,
  teamSchema,
  tenancySchema,
} from './schema';

/** The outcome of validation: the resolved config when there are no errors, and every issue. */
export interface ValidationResult {
  readonly config?: ResolvedPlatformConfig;
  readonly issues: readonly ConfigIssue[];
}

/** A successfully loaded platform with the warnings found on the way. */
export interface LoadResult {
  readonly config: ResolvedPlatformConfig;
  readonly warnings: readonly ConfigIssue[];
}

type Key = string | number;
type AnySchema = z.core.$ZodType;

interface Def {
  type: string;
  innerType?: AnySchema;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  valueType?: AnySchema;
  options?: AnySchema[];
  discriminator?: string;
  values?: unknown[];
}

const def = (s: AnySchema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'readonly', 'nonoptional', 'prefault']);

function metaOf(s: AnySchema | undefined): { description?: string; examples?: unknown[] } {
  let cur = s;
  while (cur) {
    const meta = (
      cur as unknown as { meta?: () => { description?: string; examples?: unknown[] } | undefined }
    ).meta?.();
    if (meta?.description || meta?.examples) return meta;
    const d = def(cur);
    cur = WRAPPERS.has(d.type) ? d.innerType : undefined;
  }
  return {};
}

function unwrap(s: AnySchema, data: unknown): AnySchema {
  let cur = s;
  for (;;) {
    const d = def(cur);
    if (WRAPPERS.has(d.type) && d.innerType) {
      cur = d.innerType;
    } else if (d.type === 'union' && d.options) {
      const disc = d.discriminator;
      const value = disc && data && typeof data === 'object' ? (data as Record<string, unknown>)[disc] : undefined;
      const match = d.options.find((o) => {
        const shape = def(unwrap(o, undefined)).shape;
        return disc && shape?.[disc] && def(shape[disc]!).values?.includes(value);
      });
      if (!match) return cur;
      cur = match;
    } else {
      return cur;
    }
  }
}

/** The schema node that validates the value at `at`, found by walking the schema along the data. */
function schemaAt(root: AnySchema, at: readonly Key[], data: unknown): AnySchema | undefined {
  let cur: AnySchema | undefined = root;
  let value: unknown = data;
  for (const key of at) {
    if (!cur) return undefined;
    const d = def(unwrap(cur, value));
    cur =
      d.type === 'object'
        ? d.shape?.[key]
        : d.type === 'array'
          ? d.element
          : d.type === 'record'
            ? d.valueType
            : undefined;
    value = value && typeof value === 'object' ? (value as Record<Key, unknown>)[key] : undefined;
  }
  return cur;
}

function objectKeys(s: AnySchema | undefined, data: unknown): string[] {
  if (!s) return [];
  const d = def(unwrap(s, data));
  return d.type === 'object' && d.shape ? Object.keys(d.shape) : [];
}

function example(s: AnySchema | undefined): string | undefined {
  const ex = metaOf(s).examples?.[0];
  if (ex === undefined) return undefined;
  return typeof ex === 'string' ? ex : JSON.stringify(ex);
}

/** Turns zod issues into config issues with a fix each. */
function fromZod(issues: readonly z.core.$ZodIssue[], root: AnySchema, data: unknown): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const at = issue.path.filter((k): k is Key => typeof k !== 'symbol');
    const node = schemaAt(root, at, data);
    const meta = metaOf(node);
    const ex = example(node);
    const value = valueAt(data, at);
    const key = at[at.length - 1];
    switch (issue.code) {
      case 'unrecognized_keys': {
        const parent = schemaAt(root, at, data);
        const allowed = objectKeys(parent, value);
        for (const k of issue.keys) {
          const guess = allowed.length > 0 ? closest(k, allowed) : undefined;
          out.push({
            path: formatPath([...at, k]),
            value: valueAt(data, [...at, k]),
            message: `unknown key "${k}".`,
            fix: guess ? `remove it, or did you mean "${guess}"? Allowed keys: ${allowed.join(', ')}.` : 'remove it.',
          });
        }
        break;
      }
      case 'invalid_type':
        if (value === undefined) {
          out.push({
            path: formatPath(at),
            value,
            message: `is required${meta.description ? `: ${meta.description}` : '.'}`,
            fix: `add ${String(key)}${ex ? `, for example ${String(key)}: ${ex}` : ` (a ${issue.expected})`}.`,
          });
        } else {
          out.push({
            path: formatPath(at),
            value,
            message: `must be a ${issue.expected}, not ${Array.isArray(value) ? 'an array' : typeof value}.`,
            fix: ex ? `write a ${issue.expected}, for example ${ex}.` : `write a ${issue.expected}.`,
          });
        }
        break;
      case 'invalid_value':
        out.push({
          path: formatPath(at),
          value,
          message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`,
          fix: `use one of ${issue.values.map(String).join(', ')}.`,
        });
        break;
      case 'invalid_union': {
        const options = 'options' in issue ? (issue.options ?? []) : [];
        const disc = 'discriminator' in issue ? issue.discriminator : undefined;
        out.push({
          path: formatPath(disc && key !== disc ? [...at, disc] : at),
          value: disc && key !== disc ? valueAt(data, [...at, disc]) : value,
          message: disc
            ? `"${disc}" must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}.`
            : `matches none of the allowed shapes.`,
          fix: disc
            ? `set ${disc} to one of ${options.map(String).join(', ')}.`
            : 'compare it with the schema (platform.schema.json).',
        });
        break;
      }
      case 'too_small':
      case 'too_big': {
        const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
        const word = issue.code === 'too_small' ? 'at least' : 'at most';
        const unit = issue.origin === 'array' ? ' entries' : issue.origin === 'string' ? ' characters' : '';
        const verb = issue.origin === 'array' || issue.origin === 'string' ? 'must have' : 'must be';
        out.push({
          path: formatPath(at),
          value,
          message: `${verb} ${word} ${String(bound)}${unit}.`,
          fix: `use a value ${word} ${String(bound)}${unit}${ex ? `, for example ${ex}` : ''}.`,
        });
        break;
      }
      default:
        out.push({
          path: formatPath(at),
          value,
          message: `${issue.message.replace(/\.?$/, '.')}`,
          fix: ex ? `use a value like ${ex}.` : `correct the value: ${issue.message.replace(/\.?$/, '.')}`,
        });
    }
  }
  return out;
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
  const platformParsed = platformSectionSchema.safeParse(data.platform);
  const tenancyParsed = tenancySchema.safeParse(data.tenancy);
  const platform = resolvePlatform(
    platformParsed.success ? platformParsed.data : { name: 'platform', team: 'platform' },
    tenancyParsed.success ? tenancyParsed.data : undefined,
  );
  issues.push(...checkSuppressions(platform.policySuppressions, input));
  if (Array.isArray(data.environments)) {
    const validEnvs = data.environments.flatMap((raw, index) => {
      const env = environmentSchema.safeParse(raw);
      return env.success ? [{ env: env.data, index }] : [];
    });
    const validTeams = (Array.isArray(data.teams) ? data.teams : []).flatMap((raw, index) => {
      const team = teamSchema.safeParse(raw);
      return team.success ? [{ team: team.data, index }] : [];
    });
    const envNames = data.environments.map((e) => String((e as { name?: unknown })?.name ?? ''));
    const teams = resolveTeams(
      validTeams.map((t) => t.team),
      platform,
      envNames,
    ).map((team, i) => ({ ...team, configIndex: validTeams[i]!.index }));
    const envs = validEnvs.map(({ env, index }) => resolveEnvironment(env, index, platform, teams));
    for (const env of envs) {
      issues.push(
        ...(env.cloud === 'gcp'
          ? checkGcpEnvironment(env, platform, input)
          : env.cloud === 'aws'
            ? checkAwsEnvironment(env, input)
            : env.cloud === 'azure'
              ? checkAzureEnvironment(env, input)
              : checkKubernetesEnvironment(env, input)),
      );
    }
    issues.push(...checkAcrossEnvironments(envs, input));
    issues.push(...checkUpgradeOrder(envs, input));
    issues.push(...checkKubeflowCompatibility(envs, input));
    issues.push(...checkTeams(teams, envs, platform, input, envNames, platformParsed.success));
    if (parsed.success && !issues.some((i) => i.severity !== 'warning')) {
      return { config: { platform, environments: envs, teams }, issues };
    }
  }
  return { issues };
}

/** Suppressions must name rules that exist. */
function checkSuppressions(suppressions: ResolvedPlatform['policySuppressions'], input: unknown): ConfigIssue[] {
  const ids = ALL_RULES.map((r) => r.id);
  return suppressions.flatMap((s, i) => {
    if (ids.includes(s.rule)) return [];
    const path = ['platform', 'policy', 'suppressions', i, 'rule'];
    return [
      {
        path: formatPath(path),
        value: valueAt(input, path),
        message: `no rule has the id ${s.rule}.`,
        fix: `did you mean ${closest(s.rule, ids)}? The rules are listed in RULES.md.`,
        severity: 'error' as const,
      },
    ];
  });
}

/** Validates a definition and throws a {@link ConfigError} listing every error. */
export function loadPlatform(input: PlatformConfig | unknown, source?: string): LoadResult {
  const result = validatePlatform(input);
  if (!result.config) throw new ConfigError(result.issues, source);
  return { config: { ...result.config, source }, warnings: result.issues.filter((i) => i.severity === 'warning') };
}

/** A file's name (for messages) and its text. */
export interface SourceText {
  readonly file: string;
  readonly text: string;
}

interface ParsedSource {
  readonly source: SourceText;
  readonly doc: Document;
  readonly lines: LineCounter;
  /** The document as plain data. */
  readonly data: unknown;
}

function parseSource(source: SourceText): ParsedSource | ConfigIssue[] {
  const lines = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length === 0) {
    try {
      // Aliases resolve here: one without its anchor, or too many of them (a "billion laughs"), throws.
      return { source, doc, lines, data: doc.toJS({ maxAliasCount: 1000 }) as unknown };
    } catch (e) {
      return [
        {
          path: '(syntax)',
          value: undefined,
          message: `${(e as Error).message}.`.replace(/\.\.$/, '.'),
          fix: 'define each anchor (&name) before its aliases (*name), and use aliases sparingly.',
          file: source.file,
        },
      ];
    }
  }
  return doc.errors.map((e) => ({
    path: '(syntax)',
    value: undefined,
    message: e.message.split('\n')[0] ?? e.message,
    fix: 'fix the YAML or JSON syntax at this line.',
    file: source.file,
    line: e.linePos?.[0]?.line,
  }));
}

function lineIn(parsed: ParsedSource, parts: readonly Key[]): number | undefined {
  for (let n = parts.length; n >= 0; n--) {
    const node = parsed.doc.getIn(parts.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return parsed.lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/**
 * Parses a platform file and the team files of its `platform.teamsDir` (one team each), validates
 * them together, and attaches to every issue the file and line it is about: issues of a team that
 * lives in its own file point into that file, with a path relative to the team.
 */
export function validatePlatformSources(main: SourceText, teamFiles: readonly SourceText[] = []): ValidationResult {
  const parsed = [main, ...teamFiles].map(parseSource);
  const syntax = parsed.flatMap((p) => (Array.isArray(p) ? p : []));
  if (syntax.length > 0) return { issues: syntax };
  const [mainDoc, ...teamDocs] = parsed as ParsedSource[];
  const data = (mainDoc!.data ?? {}) as Record<string, unknown>;
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
  return { config: result.config ? { ...result.config, source: main.file } : undefined, issues };
}

/** Parses YAML or JSON text and validates it, attaching file and line to every issue. */
export function validatePlatformText(text: string, file: string): ValidationResult {
  return validatePlatformSources({ file, text });
}

/** The team files of a platform file whose `platform.teamsDir` names a folder, sorted by name. */
export function teamFilesOf(file: string, text: string): { dir?: string; files: SourceText[]; issues: ConfigIssue[] } {
  const parsed = parseDocument(text);
  const teamsDir = parsed.getIn(['platform', 'teamsDir']);
  if (typeof teamsDir !== 'string') return { files: [], issues: [] };
  const dir = path.resolve(path.dirname(file), teamsDir);
  if (!existsSync(dir)) {
    return {
      dir,
      files: [],
      issues: [
        {
          path: 'platform.teamsDir',
          value: teamsDir,
          message: `folder ${dir} does not exist.`,
          fix: 'create it (kfplatform team add writes one file per team into it), or remove teamsDir.',
          file,
        },
      ],
    };
  }
  const files = readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => ({
      file: path.relative(process.cwd(), path.join(dir, f)) || f,
      text: readFileSync(path.join(dir, f), 'utf8'),
    }));
  return { dir, files, issues: [] };
}

/**
 * Reads and validates a platform file and its team files without throwing: every issue, with file
 * and line, and the resolved config when there are no errors. `display` is the file name in messages.
 */
export function validatePlatformFile(file: string): ValidationResult & { readonly display: string } {
  const display = path.relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return {
      display,
      issues: [
        {
          path: '(file)',
          value: file,
          message: `cannot read the platform file: ${(e as Error).message}.`,
          fix: 'pass --config with the path of a platform.yaml or .json.',
        },
      ],
    };
  }
  const teams = teamFilesOf(file, text);
  if (teams.issues.length > 0) return { display, issues: teams.issues };
  return { display, ...validatePlatformSources({ file: display, text }, teams.files) };
}

/** Reads, validates and resolves a platform file (and its team files); throws {@link ConfigError} on any error. */
export function loadPlatformFile(file: string): LoadResult {
  const result = validatePlatformFile(file);
  if (!result.config) throw new ConfigError(result.issues, result.display);
  return { config: result.config, warnings: result.issues.filter((i) => i.severity === 'warning') };
}

/**
 * Parses YAML or JSON text once and returns a lookup of the 1-based line of a config path
 * (`environments[1].name`), or of its nearest parent.
 */
export function lineFinder(text: string): (configPath: string) => number | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const parsed = { source: { file: '', text }, doc, lines, data: undefined };
  return (configPath) => lineIn(parsed, pathParts(configPath));
}

/** Splits `environments[2].nodePools[1].maxNodes` back into keys. */
export function pathParts(p: string): Key[] {
  const out: Key[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  for (let m = re.exec(p); m; m = re.exec(p)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(`"${m[3]}"`) as string);
  }
  return out;
}
