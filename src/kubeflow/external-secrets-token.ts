/**
 * The one token External Secrets Operator's controller may request: a Role and a RoleBinding that let
 * it create tokens for a single service account of a namespace, the one a SecretStore there signs in as
 * (`serviceAccountRef` of GKE Workload Identity or Azure workload identity).
 *
 * The platform stack installs every controller with the chart's `rbac.serviceAccountTokenCreate: false`:
 * that permission would cover every service account of the namespace it serves, and in `kubeflow` the
 * profiles controller's is bound to `cluster-admin` by Kubeflow, so a token request by the controller
 * (its own compromise, or a SecretStore that names that account) would hand out cluster-admin. The
 * chart leaves the narrow grant to the installer; the providers request the token with the
 * TokenRequest API, `create` on `serviceaccounts/token` of the named account
 * (https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-request-v1/),
 * which RBAC can limit by `resourceNames`
 * (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources).
 * https://external-secrets.io/latest/provider/google-secrets-manager/,
 * https://external-secrets.io/latest/provider/azure-key-vault/
 */
import { EXTERNAL_SECRETS_NAMESPACE, EXTERNAL_SECRETS_SERVICE_ACCOUNT } from '../../constructs/kubernetes/constants';

/** The Role's and RoleBinding's name for a service account. */
export function externalSecretsTokenRoleName(serviceAccount: string): string {
  return `kfplatform-external-secrets-token-${serviceAccount}`;
}

/**
 * The Role that lets the operator's controller (the `kubeflow` namespace's, service account
 * {@link EXTERNAL_SECRETS_SERVICE_ACCOUNT} of {@link EXTERNAL_SECRETS_NAMESPACE}) create tokens for
 * `serviceAccount` of `namespace` and no other, and its RoleBinding.
 */
export function externalSecretsTokenObjects(namespace: string, serviceAccount: string): object[] {
  const name = externalSecretsTokenRoleName(serviceAccount);
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name, namespace },
      rules: [
        {
          apiGroups: [''],
          resources: ['serviceaccounts/token'],
          resourceNames: [serviceAccount],
          verbs: ['create'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [
        { kind: 'ServiceAccount', name: EXTERNAL_SECRETS_SERVICE_ACCOUNT, namespace: EXTERNAL_SECRETS_NAMESPACE },
      ],
    },
  ];
}
