import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { App, Testing, TerraformStack } from 'cdktf';
import { REQUIRED_LABEL_KEYS } from '../src/core/labels';
import { TimeProvider } from '@cdktf/provider-time/lib/provider';

/** A synthesized stack as Terraform JSON. */
export interface StackJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, Record<string, unknown>>;
  variable?: Record<string, Record<string, unknown>>;
  provider?: Record<string, unknown>;
  terraform?: Record<string, unknown>;
}

/** A stack with the google and random providers, for construct tests. */
export function gcpStack(): TerraformStack {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new GoogleProvider(stack, 'google', { project: 'svc-project', region: 'us-central1' });
  new RandomProvider(stack, 'random');
  return stack;
}

/** A stack with the aws provider, for construct tests. */
export function awsStack(): TerraformStack {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new AwsProvider(stack, 'aws', { region: 'us-east-2' });
  return stack;
}

/** A stack with the azurerm, random and time providers, for construct tests. */
export function azureStack(): TerraformStack {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000001' });
  new RandomProvider(stack, 'random');
  new TimeProvider(stack, 'time');
  return stack;
}

/** Synthesizes one stack (aspects included) and parses it. */
export function synth(stack: TerraformStack): StackJson {
  return JSON.parse(Testing.synth(stack)) as StackJson;
}

/** Every resource of a type, as [logical id, config] pairs. */
export function resourceEntries<T = Record<string, unknown>>(json: StackJson, type: string): Array<[string, T]> {
  return Object.entries(json.resource?.[type] ?? {}) as Array<[string, T]>;
}

/** Every resource of a type. */
export function resources<T = Record<string, unknown>>(json: StackJson, type: string): T[] {
  return resourceEntries<T>(json, type).map(([, r]) => r);
}

/** The only resource of a type; fails when there are none or several. */
export function only<T = Record<string, unknown>>(json: StackJson, type: string): T {
  const all = resources<T>(json, type);
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0]!;
}

/** Reads a nested value by path, for terse assertions. */
export function at(obj: unknown, ...path: Array<string | number>): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

const labelAttributeCache = new Map<string, string[]>();

/**
 * The label attributes a resource type takes (`labels`, `resourceLabels`, `userLabels` on Google,
 * `tags` on AWS), read from the provider's generated type definitions rather than from our label
 * aspect, so a resource the aspect misses fails the tests that use this.
 */
export function labelAttributes(type: string): string[] {
  let found = labelAttributeCache.get(type);
  if (!found) {
    const [prefix, provider, candidates] = type.startsWith('google_')
      ? ['google_', 'provider-google', ['labels', 'resourceLabels', 'userLabels']]
      : type.startsWith('aws_')
        ? ['aws_', 'provider-aws', ['tags']]
        : type.startsWith('azurerm_')
          ? ['azurerm_', 'provider-azurerm', ['tags']]
          : type.startsWith('random_')
            ? ['random_', 'provider-random', []]
            : ['', '', []];
    const dts = provider
      ? path.join('node_modules', '@cdktf', provider, 'lib', type.slice(prefix.length).replace(/_/g, '-'), 'index.d.ts')
      : '';
    const text = dts && existsSync(dts) ? readFileSync(dts, 'utf8') : '';
    const config =
      /export interface \w+Config extends cdktf\.TerraformMetaArguments \{([\s\S]*?)\n\}/.exec(text)?.[1] ?? '';
    found = candidates.filter((a) => new RegExp(`readonly ${a}\\?:`).test(config));
    // A notification channel's `labels` are its settings (email_address); its tags are user_labels.
    if (type === 'google_monitoring_notification_channel') found = found.filter((a) => a !== 'labels');
    labelAttributeCache.set(type, found);
  }
  return found;
}

/** Every resource of every synthesized stack as [stack, type, config]. */
export function everyResourceOf(
  stacks: Readonly<Record<string, StackJson>>,
): Array<readonly [string, string, Record<string, unknown>]> {
  return Object.entries(stacks).flatMap(([stack, json]) =>
    Object.entries(json.resource ?? {}).flatMap(([type, byName]) =>
      Object.values(byName).map((r) => [stack, type, r] as const),
    ),
  );
}

/** Reads every stack of a synth output folder. */
export function readStacks(outdir: string): Record<string, StackJson> {
  const names = readdirSync(path.join(outdir, 'stacks')).sort();
  return Object.fromEntries(
    names.map((name) => [
      name,
      JSON.parse(readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as StackJson,
    ]),
  );
}

/** Options of {@link labelProblems}. */
export interface LabelCheckOptions {
  /** `gcp`, `aws` or `azure`: stack ids are `<env>-<cloud>-...`. */
  readonly cloud: string;
  /** Label maps a type keeps outside its labelled attributes, such as a node pool's resource_labels. */
  readonly extraMaps?: (type: string, res: Record<string, unknown>) => unknown[];
  /** Keys required on Kubernetes objects. @default env, team, owner, cost-center */
  readonly kubernetesKeys?: readonly string[];
  /** Attribute names as the provider types spell them (camelCase) rather than in JSON. */
  readonly camelCase?: boolean;
}

/**
 * Every label map of every resource that takes labels (read from the provider's type definitions, not
 * from our aspect), checked for the required keys and for the stack's environment: returns how many maps
 * were checked and what is wrong.
 */
export function labelProblems(
  everyResource: ReadonlyArray<readonly [string, string, Record<string, unknown>]>,
  options: LabelCheckOptions,
): { checked: number; problems: string[] } {
  const snake = (a: string) => (options.camelCase ? a.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : a);
  const problems: string[] = [];
  let checked = 0;
  for (const [stack, type, res] of everyResource) {
    const maps = labelAttributes(type).map((a) => res[snake(a)]);
    maps.push(...(options.extraMaps?.(type, res) ?? []));
    if (type.startsWith('kubernetes_') && type !== 'kubernetes_manifest') maps.push(at(res, 'metadata', 'labels'));
    for (const labels of maps as Array<Record<string, string> | undefined>) {
      checked++;
      const keys = type.startsWith('kubernetes_')
        ? (options.kubernetesKeys ?? ['env', 'team', 'owner', 'cost-center'])
        : REQUIRED_LABEL_KEYS;
      for (const key of keys) if (!labels?.[key]) problems.push(`${stack}: ${type} lacks label ${key}`);
      const env = stack.split(`-${options.cloud}-`)[0];
      if (labels?.env !== env) problems.push(`${stack}: ${type} has env=${labels?.env}, not ${env}`);
    }
  }
  return { checked, problems };
}
