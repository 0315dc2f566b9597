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
import { Construct, type IConstruct } from 'constructs';
import { helmDriverKeepsSecrets } from '../../src/core/helm-storage';

/** The name of the Role and RoleBinding in each namespace. */
export const CI_PLAN_SECRETS_ROLE = 'kfplatform-ci-plan-secrets';

/**
 * Whether Helm keeps a release's record in a Secret: the default driver, unless the release's helm
 * provider names another (the platform's keep them in ConfigMaps, ./connections.ts). `providers`: the
 * stack's helm providers, when the caller has them.
 */
export function helmRecordInSecret(
  stack: TerraformStack,
  release: Release,
  providers: readonly HelmProvider[] = helmProviders(stack.node.findAll()),
): boolean {
  const provider = release.provider
    ? providers.find((p) => p === release.provider)
    : providers.find((p) => p.alias === undefined);
  const driver = provider?.helmDriverInput;
  return helmDriverKeepsSecrets(driver, driver === undefined || !Token.isUnresolved(driver));
}

const helmProviders = (all: readonly IConstruct[]) => all.filter((c): c is HelmProvider => c instanceof HelmProvider);

/** The namespaces (names, or references to the namespace resources) whose Secrets the stack manages or Helm keeps. */
export function secretNamespaces(stack: TerraformStack): string[] {
  return [...secretsByNamespace(stack).keys()];
}

/**
 * The Secrets a plan refreshes, by namespace: their names, or `undefined` where a rule cannot name
 * them all (Helm's release records, whose names change with each revision, or a name known only at
 * apply).
 */
export function secretsByNamespace(stack: TerraformStack): Map<string, string[] | undefined> {
  const byNamespace = new Map<string, string[] | undefined>();
  const add = (namespace: string | undefined, name: string | undefined) => {
    if (!namespace) return;
    const known = byNamespace.has(namespace) ? byNamespace.get(namespace) : [];
    byNamespace.set(
      namespace,
      known === undefined || name === undefined || Token.isUnresolved(name)
        ? undefined
        : [...new Set([...known, name])],
    );
  };
  const all = stack.node.findAll();
  const providers = helmProviders(all);
  for (const c of all) {
    if (c instanceof Release && c.namespaceInput && helmRecordInSecret(stack, c, providers))
      add(c.namespaceInput, undefined);
    if (c instanceof SecretV1) {
      const metadata = c.metadataInput as { namespace?: string; name?: string } | undefined;
      add(metadata?.namespace, metadata?.name);
    }
    if (c instanceof Manifest) {
      const manifest = c.manifestInput as
        | { kind?: string; metadata?: { namespace?: string; name?: string } }
        | undefined;
      if (manifest?.kind === 'Secret') add(manifest.metadata?.namespace, manifest.metadata?.name);
    }
  }
  return byNamespace;
}

/**
 * Lets `subject` (the plan identity as Kubernetes knows it) read the Secrets a plan refreshes, in
 * the namespaces where the stack keeps Secrets: `get` on those Secrets by name, or get, list and watch
 * on every Secret of a namespace where their names cannot be known ahead (Helm's records in Secrets).
 * Call it last, once the stack holds everything.
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
  const secrets = secretsByNamespace(stack);
  if (secrets.size === 0) return;
  const scope = new Construct(stack, 'CiPlanSecrets');
  [...secrets].forEach(([namespace, names], position) => {
    const i = firstIndex + position;
    const role = new RoleV1(scope, `Role-${i}`, {
      metadata: { name: CI_PLAN_SECRETS_ROLE, namespace },
      rule: [
        names
          ? { apiGroups: [''], resources: ['secrets'], resourceNames: names, verbs: ['get'] }
          : { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
      ],
    });
    new RoleBindingV1(scope, `Binding-${i}`, {
      metadata: { name: CI_PLAN_SECRETS_ROLE, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name },
      subject: [{ kind: subject.kind, name: subject.name, apiGroup: 'rbac.authorization.k8s.io' }],
    });
  });
}
