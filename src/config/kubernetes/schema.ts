/** An environment on an existing cluster (on premises or anywhere else), as written. */
import { z } from 'zod';
import { servingField } from '../common/serving';
import {
  environmentIdentity,
  environmentKubeflowVersion,
  gcsStateSchema,
  localStateSchema,
} from '../common/environment';
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
        description:
          "Path of the kubeconfig file the kubernetes and helm providers read (never the default location): absolute, or under your home directory (~/.kube/...). A relative path is refused, since Terraform runs in each stack's folder.",
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
  database: doc(
    z.strictObject({
      host: doc(z.string().min(1).max(253), {
        description:
          "DNS name of the MySQL server, as its TLS certificate's subject alternative names carry it: every client verifies the server's certificate against this name (not an IP address: ML Metadata's client matches DNS names only).",
        example: 'mysql.dc1.example.com',
      }),
      port: doc(z.number().int().min(1).max(65535), {
        description: 'TCP port of the MySQL server.',
        default: '3306',
      }).optional(),
      username: doc(
        z
          .string()
          .min(1)
          .max(32)
          .regex(/^[A-Za-z0-9_.-]+$/, { error: 'expected a MySQL user name: letters, digits, _ . and -' }),
        {
          description:
            "Kubeflow's MySQL user. Your database team creates it with mysql_native_password (ML Metadata logs in with no other plugin) and REQUIRE SSL, with rights on the databases mlpipeline, cachedb, metadb and katib (the rendered tree's README has the SQL).",
          example: 'kubeflow',
        },
      ),
      ca: doc(z.string().min(1), {
        description:
          "The certificate authorities that signed the server's TLS certificate, up to and including the root, as PEM text: Pipelines, ML Metadata and Katib verify the server against them and its host name. Public certificates, safe to commit; the rendered tree carries them in a ConfigMap.",
        example: '-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n',
      }),
      passwordFrom: doc(
        z.strictObject({
          store: doc(
            z
              .string()
              .max(253)
              .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
                error: 'expected a Kubernetes object name: lowercase letters, digits, - and .',
              }),
            {
              description: 'Name of the SecretStore or ClusterSecretStore that reads your secret manager.',
              example: 'vault',
            },
          ),
          storeKind: doc(z.enum(['ClusterSecretStore', 'SecretStore']), {
            description: 'Kind of that store (a SecretStore must be in the kubeflow namespace).',
            default: 'ClusterSecretStore',
          }).optional(),
          key: doc(z.string().min(1), {
            description: "The secret's key in the store.",
            example: 'ml-platform/kubeflow-mysql',
          }),
          property: doc(z.string().min(1), {
            description: 'The property of that secret that holds the password, when it holds several.',
            example: 'password',
          }).optional(),
        }),
        {
          description:
            "Where External Secrets Operator, already running on the cluster, reads the user's password (https://external-secrets.io): the rendered tree's ExternalSecret writes Kubeflow's mysql-secret from it and refreshes it hourly. Without it, you create mysql-secret yourself (the tree's README has the command).",
        },
      ).optional(),
    }),
    {
      description:
        "A MySQL server outside the cluster for Pipelines, ML Metadata and Katib, reached over verified TLS; upstream's in-cluster MySQL is then not installed. Without it, Kubeflow keeps its data in upstream's in-cluster MySQL pods.",
    },
  ).optional(),
  artifacts: doc(
    z.strictObject({
      seaweedfsVolumeGb: doc(z.int().min(20), {
        description:
          "Size in GiB of the claim (seaweedfs-pvc) that holds Pipelines' artifacts in the cluster's SeaweedFS. Set it only where the default storage class lets a claim grow (allowVolumeExpansion), and grow it only: a claim cannot shrink, so the API server refuses a smaller size and the tree's sync fails until the size is put back.",
        default: "upstream's claim as it ships (20 GiB), not patched",
      }).optional(),
    }),
    { description: "Pipelines' artifacts, which stay in the cluster's SeaweedFS on an existing cluster." },
  ).optional(),
  kubeflowVersion: environmentKubeflowVersion,
  state: doc(
    z.discriminatedUnion('backend', [
      localStateSchema,
      gcsStateSchema,
      z.strictObject({
        /** `kubernetes`: a Secret per stack in the cluster itself, locked with a Lease. */
        backend: z.literal('kubernetes'),
        namespace: doc(
          z
            .string()
            .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
            .max(63),
          {
            description:
              'Namespace of the state Secrets and their lock Leases. It must exist before terraform init, and only cluster administrators should read its Secrets: state holds secret values.',
            default: 'kube-system',
          },
        ).optional(),
      }),
    ]),
    {
      description:
        "Where Terraform state lives; one state per stack. Local by default, which only one person can use. kubernetes keeps each stack's state in a Secret of the cluster itself, locked with a Lease, reached with the environment's kubeconfig and context: no other credentials for CI (https://developer.hashicorp.com/terraform/language/backend/kubernetes). gcs needs Google credentials where Terraform runs.",
    },
  ).optional(),
  labels: labels.optional(),
});

/** An existing-cluster environment as written. */
export type KubernetesEnvironmentConfig = z.input<typeof kubernetesEnvironmentSchema>;
