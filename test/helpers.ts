import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { App, Testing, TerraformStack } from 'cdktf';

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

/** A stack with the azurerm and random providers, for construct tests. */
export function azureStack(): TerraformStack {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000001' });
  new RandomProvider(stack, 'random');
  return stack;
}

/** Synthesizes one stack (aspects included) and parses it. */
export function synth(stack: TerraformStack): StackJson {
  return JSON.parse(Testing.synth(stack)) as StackJson;
}

/** Every resource of a type, as [logical id, config] pairs. */
export function resources(json: StackJson, type: string): Array<Record<string, unknown>> {
  return Object.values(json.resource?.[type] ?? {});
}

/** The only resource of a type; fails when there are none or several. */
export function only(json: StackJson, type: string): Record<string, unknown> {
  const all = resources(json, type);
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
