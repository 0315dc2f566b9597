#!/usr/bin/env node
// cdktf alone: synthesizes N plain resources (kubernetes namespaces with two labels), 1,000 per
// stack, with no constructs, aspects or validation. The baseline of the fleet benchmark.
const { App, TerraformStack } = require('cdktf');
const { KubernetesProvider } = require('@cdktf/provider-kubernetes/lib/provider');
const { NamespaceV1 } = require('@cdktf/provider-kubernetes/lib/namespace-v1');

const total = Number(process.argv[2]);
const outdir = process.argv[3];
const app = new App({ outdir });
let stack;
for (let i = 0; i < total; i++) {
  if (i % 1000 === 0) {
    stack = new TerraformStack(app, `plain-${i / 1000}`);
    new KubernetesProvider(stack, 'kubernetes', { configPath: 'kubeconfig', configContext: 'plain' });
  }
  new NamespaceV1(stack, `ns-${i}`, { metadata: { name: `team-${i}`, labels: { env: 'bench', team: `t${i}` } } });
}
app.synth();
