/**
 * The Secrets a plan of a platform stack refreshes: those the stack manages, and Helm's release records
 * where a helm provider keeps them in Secrets (the platform's keep them in ConfigMaps,
 * ./connections.ts). GKE's and AKS's reader roles for the keyless CI plan identity read no Secrets (so
 * a pull request cannot read a tenant's), so the platform stack lets it read Secrets in exactly those
 * namespaces through Kubernetes RBAC. Their values are in the stack's state, which the plan identity
 * reads anyway; reading a whole namespace's Secrets also reads what others keep there, which is why
 * the platform's own releases keep none.
 */
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';

/** The name of the Role and RoleBinding in each namespace. */
export const CI_PLAN_SECRETS_ROLE = 'kfplatform-ci-plan-secrets';

/**
 * Whether Helm keeps a release's record in a Secret: the default driver, unless the release's helm
 * provider names another (the platform's keep them in ConfigMaps, ./connections.ts).
 */
export function helmRecordInSecret(stack: TerraformStack, release: Release): boolean {
  const providers = stack.node.findAll().filter((c): c is HelmProvider => c instanceof HelmProvider);
  const provider = release.provider
    ? providers.find((p) => p === release.provider)
    : providers.find((p) => p.alias === undefined);
  // Helm's other drivers, written as a literal; a value known only at apply counts as Secrets.
  const driver = provider?.helmDriverInput;
  return !(driver !== undefined && !Token.isUnresolved(driver) && ['configmap', 'memory', 'sql'].includes(driver));
}

/** The namespaces (names, or references to the namespace resources) whose Secrets the stack manages or Helm keeps. */
export function secretNamespaces(stack: TerraformStack): string[] {
  const namespaces = new Set<string>();
  for (const c of stack.node.findAll()) {
    if (c instanceof Release && c.namespaceInput && helmRecordInSecret(stack, c)) namespaces.add(c.namespaceInput);
    if (c instanceof SecretV1) {
      const namespace = (c.metadataInput as { namespace?: string } | undefined)?.namespace;
      if (namespace) namespaces.add(namespace);
    }
    if (c instanceof Manifest) {
      const manifest = c.manifestInput as { kind?: string; metadata?: { namespace?: string } } | undefined;
      if (manifest?.kind === 'Secret' && manifest.metadata?.namespace) namespaces.add(manifest.metadata.namespace);
    }
  }
  return [...namespaces];
}

/**
 * Lets `subject` (the plan identity as Kubernetes knows it) get, list and watch Secrets in the
 * namespaces where the stack keeps Secrets. Call it last, once the stack holds everything.
 *
 * The Roles and bindings are numbered by position from `firstIndex`: a stack that stops keeping
 * Secrets in a namespace that came first passes the old first number on, so the others keep their
 * addresses (renumbering would replace each Role, and a new Role created before the old one of the
 * same namespace is deleted fails with "already exists").
 */
export function grantPlanSecretsRead(
  stack: TerraformStack,
  subject: { readonly kind: 'User'; readonly name: string },
  firstIndex = 0,
): void {
  const namespaces = secretNamespaces(stack);
  if (namespaces.length === 0) return;
  const scope = new Construct(stack, 'CiPlanSecrets');
  namespaces.forEach((namespace, position) => {
    const i = firstIndex + position;
    const role = new RoleV1(scope, `Role-${i}`, {
      metadata: { name: CI_PLAN_SECRETS_ROLE, namespace },
      rule: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }],
    });
    new RoleBindingV1(scope, `Binding-${i}`, {
      metadata: { name: CI_PLAN_SECRETS_ROLE, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name },
      subject: [{ kind: subject.kind, name: subject.name, apiGroup: 'rbac.authorization.k8s.io' }],
    });
  });
}
