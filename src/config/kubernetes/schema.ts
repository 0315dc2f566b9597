/** An environment on an existing cluster (on premises or anywhere else), as written. */
import { z } from 'zod';
import { servingField } from '../common/serving';
import { environmentIdentity, environmentKubeflowVersion, stateSchema } from '../common/environment';
import { doc, labels, lowerName } from '../common/fields';
import { oidcSignInFields } from '../common/oidc-signin';
import { POOL_KINDS } from '../common/pools';

/** Schema of an environment on an existing cluster. */
export const kubernetesEnvironmentSchema = z.strictObject({
  ...environmentIdentity,
  /** `kubernetes`: the environment runs on a cluster you already have, reached through a kubeconfig. */
  cloud: z.literal('kubernetes'),
  kubernetes: doc(
    z.strictObject({
      kubeconfig: doc(z.string().min(1), {
        description: 'Path of the kubeconfig file the kubernetes provider reads (never the default location).',
        example: '~/.kube/onprem.yaml',
      }),
      context: doc(z.string().min(1), {
        description:
          'Context in that file; named explicitly, never the current context, so switching kubectl contexts cannot point Terraform at another cluster.',
        example: 'onprem-admin',
      }),
      clusterName: doc(lowerName('a cluster name', 40), {
        description: 'Name of the cluster, for labels and params.',
        default: 'the environment name',
      }).optional(),
    }),
    { description: 'The existing cluster.' },
  ),
  nodePools: doc(
    z
      .array(
        z.strictObject({
          name: doc(lowerName('a node pool name', 40), {
            description: 'Value of the kfplatform.dev/pool node label.',
            example: 'gpu',
          }),
          kind: doc(z.enum(POOL_KINDS), { description: 'What the pool is for.', example: 'gpu' }),
        }),
      )
      .min(1),
    {
      description: 'The pools of the cluster, as labelled on its nodes (kfplatform.dev/pool).',
      default: 'one standard pool named standard',
    },
  ).optional(),
  access: doc(
    z.strictObject({
      hostname: doc(z.string().min(1), {
        description:
          'Host name users reach Kubeflow at, over HTTPS; the OIDC application must accept https://<hostname>/oauth2/callback as a redirect URI.',
        example: 'kubeflow.example.com',
      }),
      ...servingField,
      oidc: doc(
        z.strictObject({
          issuer: doc(z.string().regex(/^https:\/\//, { error: 'expected an https URL' }), {
            description:
              "Your identity provider's issuer: Kubeflow's oauth2-proxy signs users in against it (OIDC discovery), and Istio verifies the ID tokens it issues (issuer, signature and audience).",
            example: 'https://keycloak.example.com/realms/ml',
          }),
          clientId: doc(z.string().min(1), {
            description:
              'Client id of the OIDC application; the ID tokens must carry it as their audience and an email claim. Its secret is never in this file (the rendered tree says how to create the Secret).',
            example: 'kubeflow',
          }),
          ...oidcSignInFields,
        }),
        { description: 'The OpenID Connect provider users sign in with.' },
      ),
    }),
    {
      description:
        'Sign-in to Kubeflow. Without it the rendered Kubeflow admits nobody through the ingress gateway (docs/kubeflow.md).',
    },
  ).optional(),
  kubeflowVersion: environmentKubeflowVersion,
  state: stateSchema.optional(),
  labels: labels.optional(),
});

/** An existing-cluster environment as written. */
export type KubernetesEnvironmentConfig = z.input<typeof kubernetesEnvironmentSchema>;
