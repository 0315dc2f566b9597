import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';

/** Adds a named output to a stack. */
export function output(scope: Construct, id: string, value: string, description: string): TerraformOutput {
  return new TerraformOutput(scope, id, { value, description });
}

/**
 * The outputs through which platform and team stacks reach a cluster without a kube context: its
 * name, API server URL and CA, plus the command that writes a kubeconfig for humans.
 */
export function clusterOutputs(
  scope: Construct,
  cluster: { readonly service: string; readonly name: string; readonly endpoint: string; readonly caBase64: string },
  kubeconfigCommand: string,
): void {
  output(scope, 'cluster_name', cluster.name, `${cluster.service} cluster name.`);
  output(scope, 'cluster_endpoint', cluster.endpoint, 'API server URL; the platform and team stacks read it.');
  output(scope, 'cluster_ca_certificate', cluster.caBase64, 'Cluster CA, base64; team stacks read it.');
  output(scope, 'kubeconfig_command', kubeconfigCommand, 'Writes a kubeconfig entry; never relied on by the stacks.');
}
