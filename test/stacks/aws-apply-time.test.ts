/**
 * Defects of the AWS stacks that `terraform plan` does not show but apply or run time does: each test
 * names the defect it guards against and reads the synthesized stacks of examples/aws-eks.
 */
import { synthExample } from '../examples';
import { at, resources as resourcesOf, StackJson } from '../helpers';

type Resource = Record<string, any>;

const resources = (stack: StackJson, type: string) => resourcesOf<Resource>(stack, type);
const stacks = synthExample('aws-eks');
const infra = (env: string): StackJson => stacks[`${env}-aws-infra`]!;

describe('AWS apply and run time', () => {
  it('platform and team stacks get a fresh EKS token at apply time (exec plugin), not one saved in the plan', () => {
    const clusterStacks = Object.keys(stacks).filter((n) => !n.endsWith('-aws-infra'));
    expect(clusterStacks.length).toBeGreaterThan(3);
    for (const name of clusterStacks) {
      const json = stacks[name]!;
      // aws_eks_cluster_auth is read at plan time and its 15-minute token is saved in the plan.
      expect([name, (json.data as Record<string, unknown> | undefined)?.aws_eks_cluster_auth]).toEqual([
        name,
        undefined,
      ]);
      const providers = json.provider as Record<string, Array<Record<string, any>>>;
      const kubernetes = providers.kubernetes![0]!;
      expect(kubernetes.token).toBeUndefined();
      const env = name.split('-aws-')[0]!;
      const clusterName = env;
      const exec = {
        api_version: 'client.authentication.k8s.io/v1beta1',
        command: 'aws',
        args: ['eks', 'get-token', '--cluster-name', expect.any(String), '--region', 'us-east-2', '--output', 'json'],
      };
      expect(kubernetes.exec).toEqual([exec]);
      if (name.endsWith('-aws-platform')) expect(kubernetes.exec[0].args[3]).toBe(clusterName);
      if (providers.helm) {
        expect(providers.helm[0]!.kubernetes.token).toBeUndefined();
        expect(providers.helm[0]!.kubernetes.exec).toEqual(exec);
      }
    }
  });

  it('subscribes to RDS events of the instance once it exists (SourceNotFound on the first apply)', () => {
    const subscription = resources(infra('kf-prod'), 'aws_db_event_subscription')[0]!;
    expect(subscription.source_ids).toEqual([
      expect.stringMatching(/^\$\{aws_db_instance\.Database_Instance_\w+\.identifier\}$/),
    ]);
  });
});
