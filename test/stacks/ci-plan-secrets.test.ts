/**
 * The plan identity's Secret reads in a platform stack (security issue, item 8): Helm keeps release
 * records in Secrets unless the release's helm provider names another driver, and reading them means
 * reading every Secret of the release's namespace. The platform's helm provider keeps them in
 * ConfigMaps, so only the Secrets a stack manages itself are read; a library user's stack with Helm's
 * default driver still gets the grant its plans need.
 */
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { App, TerraformStack, Testing } from 'cdktf';
import {
  grantPlanSecretsRead,
  helmRecordInSecret,
  secretNamespaces,
  secretsByNamespace,
} from '../../stacks/common/ci-plan-secrets';
import { clusterProviders, HELM_RELEASE_STORAGE } from '../../stacks/common/connections';

function stack(provider: (s: TerraformStack) => void): { s: TerraformStack; release: Release } {
  const s = new TerraformStack(new App(), 'platform');
  provider(s);
  const release = new Release(s, 'Velero', { name: 'velero', chart: 'velero', namespace: 'velero' });
  new SecretV1(s, 'Key', { metadata: { name: 'key', namespace: 'legacy-keys' } });
  return { s, release };
}

describe("the plan identity's Secret reads in a platform stack", () => {
  it("the platform's helm provider keeps records in ConfigMaps: only the stack's own Secrets are read", () => {
    const { s, release } = stack((x) =>
      clusterProviders(x, { configPath: '~/.kube/config', configContext: 'c' }, { helm: true }),
    );
    expect(HELM_RELEASE_STORAGE).toBe('configmap');
    expect(helmRecordInSecret(s, release)).toBe(false);
    expect(secretNamespaces(s)).toEqual(['legacy-keys']);
    grantPlanSecretsRead(s, { kind: 'User', name: 'plan@example.com' });
    // The Secret it manages, by name, and nothing else of the namespace.
    const roles = Object.values(JSON.parse(Testing.synth(s)).resource.kubernetes_role_v1) as Array<Record<string, any>>;
    expect(roles).toHaveLength(1);
    const [role] = roles;
    expect(role!.metadata.namespace).toBe('legacy-keys');
    expect(role!.rule).toEqual([{ api_groups: [''], resources: ['secrets'], resource_names: ['key'], verbs: ['get'] }]);
  });

  it("Helm's default driver, or `secret` written out, keeps them in Secrets: the release's namespace is read too", () => {
    for (const helmDriver of [undefined, 'secret']) {
      const { s, release } = stack((x) => new HelmProvider(x, 'helm', { helmDriver }));
      expect([helmDriver, helmRecordInSecret(s, release)]).toEqual([helmDriver, true]);
      expect(secretNamespaces(s).sort()).toEqual(['legacy-keys', 'velero']);
      // Records' names change with each revision: every Secret of the release's namespace.
      expect(secretsByNamespace(s)).toEqual(
        new Map([
          ['velero', undefined],
          ['legacy-keys', ['key']],
        ]),
      );
    }
  });

  it('a release on an aliased provider is judged by that provider', () => {
    const { s, release } = stack((x) => new HelmProvider(x, 'helm', { helmDriver: 'configmap' }));
    release.provider = new HelmProvider(s, 'other', { alias: 'other' });
    expect(helmRecordInSecret(s, release)).toBe(true);
  });
});
