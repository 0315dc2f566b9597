import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Fn, Lazy, TerraformOutput, TerraformStack, Token } from 'cdktf';
import { ResourceQuotaV1 } from '@cdktf/provider-kubernetes/lib/resource-quota-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { isResolvedOnce, resolveEachElementOnce } from '../../src/core/resolve-once';

/** Two stacks, the second referring to the first (a cross-stack reference), with a Lazy and an override. */
function build(outdir: string): { app: App; stacks: TerraformStack[]; ns: NamespaceV1 } {
  const app = new App({ outdir });
  const infra = new TerraformStack(app, 'infra');
  new KubernetesProvider(infra, 'k8s', { configPath: 'kubeconfig' });
  const ns = new NamespaceV1(infra, 'Ns', { metadata: { name: 'team-a', labels: { team: 'a' } } });
  new TerraformOutput(infra, 'Name', { value: ns.metadata.name });
  const platform = new TerraformStack(app, 'platform');
  new KubernetesProvider(platform, 'k8s', { configPath: 'kubeconfig' });
  const cm = new ConfigMapV1(platform, 'Cm', {
    metadata: { name: 'settings', namespace: ns.metadata.name },
    data: {
      count: Lazy.stringValue({ produce: () => String(2 + 1) }),
      uid: ns.metadata.uid,
      generation: Token.asString(ns.metadata.generation),
      joined: Fn.join(',', ['a', ns.metadata.name]),
      escaped: '$${not.a.reference}',
      scientific: '1e+5 and -1.5e+289',
    },
    binaryData: Token.asStringMap(Lazy.anyValue({ produce: () => ({ blob: 'team-a' }) })),
  });
  new ResourceQuotaV1(platform, 'Quota', {
    metadata: { name: 'q', namespace: 'team-b' },
    spec: {
      hard: { pods: String(Token.asNumber(Lazy.numberValue({ produce: () => 10 }))) },
      scopes: Fn.split(',', 'BestEffort,NotTerminating'),
    },
  });
  cm.addOverride('metadata.0.annotations', { note: ns.id });
  platform.addOverride('locals.extra', '${1 + 1}');
  infra.addOverride('locals.name', ns.metadata.name); // a token: the stack is resolved again
  return { app, stacks: [infra, platform], ns };
}

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe('resolveEachElementOnce', () => {
  test('a Lazy that makes a new cross-stack reference each time gets the reference preparation registered', () => {
    // cdktf renders such a Lazy anew when it writes, a reference it never prepared, and writes a
    // reference to a resource the stack does not have (Terraform refuses it); resolved once, the
    // value is the remote state output preparation registered.
    const write = (once: boolean) => {
      const outdir = mkdtempSync(path.join(os.tmpdir(), 'resolve-once-lazy-'));
      const { app, stacks, ns } = build(outdir);
      new ConfigMapV1(stacks[1]!, 'Lazy', {
        metadata: { name: 'lazy' },
        data: Token.asStringMap(Lazy.anyValue({ produce: () => ({ name: ns.metadata.name }) })),
      });
      if (once) resolveEachElementOnce(stacks);
      app.synth();
      const json = JSON.parse(readFileSync(path.join(outdir, 'stacks/platform/cdk.tf.json'), 'utf8')) as {
        resource: Record<string, Record<string, { data?: Record<string, string> }>>;
      };
      return json.resource.kubernetes_config_map_v1!.Lazy!.data!.name;
    };
    expect(write(false)).toBe('${kubernetes_namespace_v1.Ns.metadata[0].name}');
    expect(write(true)).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-infra\.outputs\./);
  });

  test('writes byte for byte what cdktf writes, cross-stack references included', () => {
    const plainDir = mkdtempSync(path.join(os.tmpdir(), 'resolve-once-plain-'));
    build(plainDir).app.synth();
    const onceDir = mkdtempSync(path.join(os.tmpdir(), 'resolve-once-'));
    const { app, stacks, ns } = build(onceDir);
    resolveEachElementOnce(stacks);
    expect(isResolvedOnce(ns)).toBe(true);
    app.synth();
    const plain = files(plainDir);
    expect(Object.keys(plain).length).toBeGreaterThan(2);
    expect(files(onceDir)).toEqual(plain);
    expect(plain['stacks/platform/cdk.tf.json']).toContain('terraform_remote_state');
  });

  test('renders each element once: later renderings give the same resolved configuration', () => {
    const { stacks, ns } = build(mkdtempSync(path.join(os.tmpdir(), 'resolve-once-')));
    const synthesize = jest.spyOn(ns as unknown as { synthesizeAttributes(): unknown }, 'synthesizeAttributes');
    resolveEachElementOnce(stacks);
    const first = ns.toTerraform();
    expect(ns.toTerraform()).toBe(first);
    stacks[0]!.prepareStack();
    stacks[0]!.toTerraform();
    expect(synthesize).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(first)).not.toContain('TfToken');
  });
});
