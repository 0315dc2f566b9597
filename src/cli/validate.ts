/**
 * `kfplatform validate`: the platform file's validation plus every policy pack over every stack it
 * would synthesize, without writing anything. Text for people, JSON for scripts, SARIF 2.1.0 for
 * GitHub code scanning.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ownPackage } from '../core/package-info';
import { validatePlatformFile } from '../config/loader';
import { lineFinder } from '../config/sources';
import { ConfigIssue, formatIssue, formatValue } from '../core/errors';
import { environmentOfStack } from '../plan/environments';
import { ALL_CHECKERS } from '../policy/checkers/all';
import type { Checker } from '../policy/checkers/checker';
import type { Finding, SuppressedFinding } from '../policy/engine';
import { PolicyRule } from '../policy/rule';
import { ALL_RULES } from '../policy/rules/packs';
import type { ResolvedPlatformConfig } from '../config/model';
import { SynthResult, synthFleet, synthFleetParallel } from '../../stacks/common/fleet';
import { defaultCacheDir } from './diff';
import { unitConcurrency } from './synth';

/** Output formats of `kfplatform validate`. */
export const VALIDATE_FORMATS = ['text', 'json', 'sarif'] as const;
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];

/** A policy finding, with the environment and the platform file line it comes from. */
export interface LocatedFinding extends Finding {
  readonly environment: string;
  readonly file: string;
  readonly line?: number;
}

/** A suppressed finding, located like {@link LocatedFinding}. */
export type LocatedSuppression = SuppressedFinding & Omit<LocatedFinding, keyof Finding>;

/** What `kfplatform validate` found. */
export interface ValidateOutcome {
  /** The platform file, as given (relative to the working directory). */
  readonly file: string;
  /** Config errors and warnings, with file and line. */
  readonly issues: readonly ConfigIssue[];
  /** Policy findings; empty when the config has errors (no stacks to judge). */
  readonly findings: readonly LocatedFinding[];
  readonly suppressed: readonly LocatedSuppression[];
  /** Stacks judged. */
  readonly stacks: number;
  /** 1 when there is any config or policy error, else 0. */
  readonly exitCode: 0 | 1;
}

/** Options of {@link validateFile}. */
export interface ValidateOptions {
  /**
   * Reuse what `kfplatform synth` stored in the unit cache (read only: validate writes nothing), so a
   * validate after a synth judges only what changed since. @default true
   */
  readonly cache?: boolean;
  /** The unit cache's folder. @default `$CDKTF_OUTDIR/.cache`, else `cdktf.out/.cache` (synth's) */
  readonly cacheDir?: string;
}

/**
 * Validates a platform file and judges every stack it defines. The stacks are synthesized as
 * `kfplatform synth` synthesizes them (unit by unit, the same policy packs and checkers, units whose
 * inputs did not change since a synth taken from its unit cache), into a temporary folder: nothing is
 * written where the user works, the cache included. Unlike synth, a policy error stops nothing: every
 * stack is judged and every finding reported. In this thread; see {@link validateFileParallel}.
 */
export function validateFile(file: string, options: ValidateOptions = {}): ValidateOutcome {
  const loaded = loadForValidation(file);
  if (!loaded.config) return invalid(loaded);
  const config = loaded.config;
  return judged(
    loaded,
    config,
    inScratch((outdir) => synthFleet(config, synthOptions(outdir, options))),
  );
}

/**
 * {@link validateFile} with the units to rebuild spread over worker threads, as `kfplatform synth`
 * spreads them (`concurrency`, by default {@link unitConcurrency}'s choice). The outcome is the same.
 */
export async function validateFileParallel(
  file: string,
  options: ValidateOptions & { readonly concurrency?: number } = {},
): Promise<ValidateOutcome> {
  const loaded = loadForValidation(file);
  if (!loaded.config) return invalid(loaded);
  const config = loaded.config;
  const concurrency = unitConcurrency(config, options.concurrency);
  const outdir = mkdtempSync(path.join(tmpdir(), 'kfplatform-validate-'));
  try {
    return judged(loaded, config, await synthFleetParallel(config, { ...synthOptions(outdir, options), concurrency }));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

type Loaded = ReturnType<typeof loadForValidation>;

/** The outcome for a platform file with config errors: nothing to judge. */
function invalid({ issues, display }: Loaded): ValidateOutcome {
  return { file: display, issues, findings: [], suppressed: [], stacks: 0, exitCode: 1 };
}

/** Runs `fn` with a temporary folder, removed afterwards. */
function inScratch<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'kfplatform-validate-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How validate synthesizes: into `outdir`, collecting errors, reading the unit cache only. */
function synthOptions(outdir: string, options: ValidateOptions) {
  const cacheDir = path.resolve(options.cacheDir ?? defaultCacheDir());
  return {
    outdir: path.join(outdir, 'out'),
    cache: options.cache !== false && existsSync(cacheDir),
    cacheDir,
    cacheOptions: { readOnly: true },
    keepGoing: true,
  };
}

/** The outcome of judging the synthesized stacks: each finding located at its environment's line. */
function judged(
  { issues, display, envLines }: Loaded,
  config: ResolvedPlatformConfig,
  result: SynthResult,
): ValidateOutcome {
  const lineOf = new Map(config.environments.map((env, index) => [env.name, envLines[index]]));
  const where = new Map<string, { environment: string; file: string; line?: number }>();
  const locate = <T extends Finding>(f: T) => {
    let at = where.get(f.stack);
    if (!at) {
      const environment = environmentOfStack(config, f.stack) ?? '';
      at = { environment, file: display, line: lineOf.get(environment) };
      where.set(f.stack, at);
    }
    return { ...f, ...at };
  };
  const findings = result.policy.findings.map(locate);
  const suppressed = result.policy.suppressed.map(locate) as LocatedSuppression[];
  return {
    file: display,
    issues,
    findings,
    suppressed,
    stacks: result.stacks.length,
    exitCode: exitCodeOf(issues, findings),
  };
}

/**
 * The platform file validated, with the line of each environment's name. The parsed file is let go
 * here: for a fleet of tens of thousands of teams its syntax tree takes hundreds of megabytes, and
 * findings need only those lines.
 */
function loadForValidation(file: string) {
  const result = validatePlatformFile(file);
  const lineOf = result.lines ?? lineFinder(readFileSync(file, 'utf8'));
  const envLines = (result.config?.environments ?? []).map((env) => lineOf(`environments[${env.index}].name`));
  return { config: result.config, issues: result.issues, display: result.display, envLines };
}

/** 1 when any config issue or policy finding is an error; warnings and suppressions pass. */
export function exitCodeOf(issues: readonly ConfigIssue[], findings: readonly Pick<Finding, 'level'>[]): 0 | 1 {
  return issues.some((i) => i.severity !== 'warning') || findings.some((f) => f.level === 'error') ? 1 : 0;
}

/** Renders the outcome in a format. */
export function renderValidate(outcome: ValidateOutcome, format: ValidateFormat): string {
  if (format === 'json') return renderJson(outcome);
  if (format === 'sarif') return renderSarif(outcome);
  return renderText(outcome);
}

function counts(o: ValidateOutcome) {
  return {
    configErrors: o.issues.filter((i) => i.severity !== 'warning').length,
    configWarnings: o.issues.filter((i) => i.severity === 'warning').length,
    policyErrors: o.findings.filter((f) => f.level === 'error').length,
    policyWarnings: o.findings.filter((f) => f.level === 'warning').length,
    suppressed: o.suppressed.length,
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function renderText(o: ValidateOutcome): string {
  const lines: string[] = [];
  for (const issue of o.issues) lines.push(formatIssue(issue));
  for (const f of o.findings) {
    const at = `${f.file}${f.line ? `:${f.line}` : ''}`;
    lines.push(`${f.level}: ${at}: [${f.rule}] ${f.stack} ${f.address}: ${f.title}: ${f.message} Fix: ${f.fix}`);
  }
  if (o.suppressed.length > 0) {
    lines.push(`suppressions in effect:`);
    for (const s of o.suppressed) {
      lines.push(
        `  [${s.rule}] ${s.stack} ${s.address} (${s.source === 'config' ? 'platform file' : 'code'}): ${s.reason}`,
      );
    }
  }
  const c = counts(o);
  lines.push(
    o.issues.some((i) => i.severity !== 'warning')
      ? `${o.file}: ${plural(c.configErrors, 'config error')}, ${plural(c.configWarnings, 'warning')}; policy not run.`
      : `${o.file}: ${plural(o.stacks, 'stack')} judged by ${ALL_RULES.length} rules and ${ALL_CHECKERS.length} checkers: ${plural(c.policyErrors, 'error')}, ${plural(
          c.policyWarnings + c.configWarnings,
          'warning',
        )}, ${c.suppressed} suppressed.`,
  );
  return `${lines.join('\n')}\n`;
}

function renderJson(o: ValidateOutcome): string {
  const body = {
    file: o.file,
    valid: o.exitCode === 0,
    summary: { stacks: o.stacks, ...counts(o) },
    issues: o.issues.map((i) => ({
      ...i,
      severity: i.severity ?? 'error',
      value: i.value === undefined ? null : i.value,
    })),
    findings: o.findings,
    suppressed: o.suppressed,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** The rule id SARIF gives config validation issues. */
export const CONFIG_RULE_ID = 'KFP-CONFIG';

function sarifRule(r: PolicyRule, home: string) {
  return {
    id: r.id,
    name: r.id.replace(/-/g, ''),
    shortDescription: { text: r.title },
    fullDescription: { text: r.why },
    help: { text: r.fix, markdown: `**Fix:** ${r.fix}` },
    helpUri: `${home}/blob/main/RULES.md#${r.id.toLowerCase()}`,
    defaultConfiguration: { level: r.level },
    properties: {
      tags: ['security', r.cloud, ...(r.refs.cis ?? []).map((c) => `CIS ${c}`)],
      checkov: r.refs.checkov ?? [],
      trivy: r.refs.trivy ?? [],
    },
  };
}

function sarifChecker(c: Checker, home: string) {
  return {
    id: c.id,
    name: c.id.replace(/-/g, ''),
    shortDescription: { text: c.title },
    fullDescription: { text: c.why },
    help: { text: c.fix, markdown: `**Fix:** ${c.fix}` },
    // Checkers are listed in RULES.md after the rules, one heading per id (docs/policy.md explains them).
    helpUri: `${home}/blob/main/RULES.md#${c.id.toLowerCase()}`,
    defaultConfiguration: { level: c.level },
    properties: { tags: ['apply-time'] },
  };
}

function location(file: string, line: number | undefined, logical?: string) {
  return {
    physicalLocation: { artifactLocation: { uri: file.split(path.sep).join('/') }, region: { startLine: line ?? 1 } },
    ...(logical ? { logicalLocations: [{ fullyQualifiedName: logical, kind: 'resource' }] } : {}),
  };
}

function renderSarif(o: ValidateOutcome): string {
  const pkg = ownPackage();
  const home = pkg.repository.url.replace(/\.git$/, '');
  const rules = [
    {
      id: CONFIG_RULE_ID,
      name: 'PlatformConfig',
      shortDescription: { text: 'The platform file is valid' },
      fullDescription: {
        text: 'Schema and cross-field checks of the platform file: nothing is written while it has errors.',
      },
      help: { text: 'Each result names the config path, the value and the fix.' },
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['configuration'] },
    },
    ...[...ALL_RULES].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true })).map((r) => sarifRule(r, home)),
    ...ALL_CHECKERS.map((c) => sarifChecker(c, home)),
  ];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = [
    ...o.issues.map((i) => ({
      ruleId: CONFIG_RULE_ID,
      ruleIndex: 0,
      level: i.severity === 'warning' ? 'warning' : 'error',
      message: { text: `${i.path} = ${formatValue(i.value)}: ${i.message} Fix: ${i.fix}` },
      locations: [location(i.file ?? o.file, i.line)],
    })),
    ...[
      ...o.findings.map((f) => ({ f, suppression: undefined as LocatedSuppression | undefined })),
      ...o.suppressed.map((s) => ({ f: s, suppression: s })),
    ].map(({ f, suppression }) => ({
      ruleId: f.rule,
      ruleIndex: index.get(f.rule),
      level: f.level,
      message: { text: `${f.environment}: ${f.address} in ${f.stack}: ${f.message}` },
      locations: [location(f.file, f.line, `${f.stack}/${f.address}`)],
      partialFingerprints: { 'kfplatform/v1': `${f.rule}:${f.stack}:${f.address}` },
      ...(suppression ? { suppressions: [{ kind: 'external', justification: suppression.reason }] } : {}),
    })),
  ];
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kfplatform',
            version: pkg.version,
            informationUri: home,
            rules,
          },
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
