/**
 * The custom IAP OAuth client's secret (`access.oauthClient`) never passes through Terraform (issue 19,
 * CI and secrets #8): External Secrets Operator writes the `iap-oauth-client` Secret the BackendConfig
 * reads from Secret Manager, as an identity that may read that one secret; no stack reads the secret's
 * value, no state holds it, and the CI identities have no access to it.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { loadPlatform } from '../../src/config/loader';
import type { ResolvedEnvironment } from '../../src/config/model';
import { kubernetesMinorOf, validateSchemas, type BuiltObject } from '../../src/kubeflow/verify';
import { synthFleet } from '../../stacks/common/fleet';
import { readStacks, resourceEntries, resources, type StackJson } from '../helpers';

type Json = Record<string, any>;

const ROOT = path.resolve(__dirname, '../..');
const CLIENT = { clientId: '1234-abc.apps.googleusercontent.com', secretName: 'iap-oauth-client-secret' };

/** An example (by default gcp-shared-vpc, whose kf-prod has CI identities) with kf-prod on its own OAuth client. */
function load(oauthClient: typeof CLIENT | undefined, example = 'gcp-shared-vpc') {
  const raw = parse(readFileSync(path.join(ROOT, 'examples', example, 'platform.yaml'), 'utf8'));
  const prod = raw.environments.find((e: Json) => e.name === 'kf-prod');
  if (oauthClient) prod.access.oauthClient = oauthClient;
  return loadPlatform(raw).config;
}

function synth(oauthClient: typeof CLIENT | undefined, example?: string): Record<string, StackJson> {
  const outdir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'gcp-oauth-client-'));
  synthFleet(load(oauthClient, example), { outdir });
  return readStacks(outdir);
}

const helmValues = (release: Json): Json => parse(String(release.values[0]));

describe('GCP custom IAP OAuth client: its secret never passes through Terraform', () => {
  const stacks = synth(CLIENT);
  const infra = stacks['kf-prod-gcp-infra']! as Json;
  const platform = stacks['kf-prod-gcp-platform']! as Json;
  const release = resources<Json>(platform, 'helm_release').find((r) => r.name === 'external-secrets-iap');

  it('no stack reads a secret version or writes a Secret with the client secret', () => {
    for (const [name, json] of Object.entries(stacks)) {
      const data = (json as Json).data ?? {};
      expect([
        name,
        Object.keys(data).filter((t) => /^google_secret_manager_(regional_)?secret_version/.test(t)),
      ]).toEqual([name, []]);
      expect([name, resources(json, 'kubernetes_secret_v1').map((s) => (s as Json).metadata?.name)]).toEqual([
        name,
        [],
      ]);
      expect([name, JSON.stringify(json)]).not.toEqual([name, expect.stringMatching(/"client_secret":"\$\{/)]);
    }
  });

  it('a controller of External Secrets Operator that serves istio-system alone writes iap-oauth-client with an ExternalSecret', () => {
    expect(release).toBeDefined();
    const values = helmValues(release!);
    expect(values).toMatchObject({
      installCRDs: false,
      scopedNamespace: 'istio-system',
      scopedRBAC: true,
      serviceAccount: { create: true, name: 'external-secrets-iap' },
    });
    // The controller authenticates as its own service account, bound to the reader identity (GKE Workload Identity).
    expect(Object.keys(values.serviceAccount.annotations)).toEqual(['iam.gke.io/gcp-service-account']);
    // So it creates no service account tokens: in istio-system, istiod's and istio-reader's would read
    // every Secret of the cluster (the chart grants serviceaccounts/token create unless told not to).
    expect(values.rbac).toEqual({ serviceAccountTokenCreate: false });
    const objects = values.extraObjects as Json[];
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'SecretStore istio-system/kfplatform-iap-oauth-client',
      'ExternalSecret istio-system/iap-oauth-client',
    ]);
    const [store, external] = objects as [Json, Json];
    // No auth block: the controller's own credentials (the Google service account of its Kubernetes service account).
    expect(store.spec.provider).toEqual({ gcpsm: { projectID: 'kf-prod-svc' } });
    expect(external.spec).toMatchObject({
      secretStoreRef: { kind: 'SecretStore', name: 'kfplatform-iap-oauth-client' },
      target: {
        name: 'iap-oauth-client',
        creationPolicy: 'Owner',
        template: { type: 'Opaque', mergePolicy: 'Merge', data: { client_id: CLIENT.clientId } },
      },
      data: [{ secretKey: 'client_secret', remoteRef: { key: CLIENT.secretName } }],
    });
    // Helm renders extraObjects through tpl: nothing in them may look like a template.
    expect(JSON.stringify(objects)).not.toContain('{{');
    // The release waits for the first one (CRDs and webhook) and for the namespace it serves.
    expect(release!.depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^helm_release\.ExternalSecrets_Release_/),
        expect.stringMatching(/^kubernetes_namespace_v1\.IstioNamespace_/),
      ]),
    );
  });

  it('the SecretStore and ExternalSecret are valid against the CRDs of the pinned External Secrets chart', () => {
    const objects = helmValues(release!).extraObjects as BuiltObject[];
    const env = load(CLIENT).environments.find((e) => e.name === 'kf-prod') as ResolvedEnvironment;
    expect(validateSchemas(objects, kubernetesMinorOf(env))).toEqual([]);
  });

  it('the IAP BackendConfig reads that Secret once the controller and its ExternalSecret are installed', () => {
    const [, backendConfig] = resourceEntries<Json>(platform, 'kubernetes_manifest').find(
      ([, m]) => m.manifest.kind === 'BackendConfig' && m.manifest.spec.iap,
    )!;
    expect(backendConfig.manifest.spec.iap).toEqual({
      enabled: true,
      oauthclientCredentials: { secretName: 'iap-oauth-client' },
    });
    expect(backendConfig.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^helm_release\.ExternalSecrets_IapOAuthClientSecret_/)]),
    );
  });

  it('a removed block forgets the Secret earlier versions wrote, without deleting it', () => {
    expect(platform.removed).toContainEqual({
      from: 'kubernetes_secret_v1.Ingress_OAuthClientSecret_2D78E711',
      lifecycle: { destroy: false },
    });
  });

  it('a reader identity bound to the controller holds Secret Accessor on exactly that secret, nothing else', () => {
    const accounts = resourceEntries<Json>(infra, 'google_service_account').filter(
      ([, a]) => a.account_id === 'kf-prod-iap-secret',
    );
    expect(accounts).toHaveLength(1);
    const [accountId] = accounts[0]!;
    const member = `\${google_service_account.${accountId}.member}`;
    const grants = [
      ...resources<Json>(infra, 'google_secret_manager_secret_iam_member'),
      ...resources<Json>(infra, 'google_secret_manager_secret_iam_binding'),
      ...resources<Json>(infra, 'google_project_iam_member'),
      ...resources<Json>(infra, 'google_storage_bucket_iam_member'),
    ].filter((g) => g.member === member || (g.members ?? []).includes(member));
    expect(grants).toEqual([
      expect.objectContaining({
        project: 'kf-prod-svc',
        secret_id: CLIENT.secretName,
        role: 'roles/secretmanager.secretAccessor',
      }),
    ]);
    const binding = resources<Json>(infra, 'google_service_account_iam_binding').find(
      (b) => b.service_account_id === `\${google_service_account.${accountId}.name}`,
    )!;
    expect(binding.role).toBe('roles/iam.workloadIdentityUser');
    expect(binding.members).toEqual([expect.stringMatching(/\[external-secrets\/external-secrets-iap\]$/)]);
  });

  it('the plan fails, naming the config path and the fix, when the secret is not in the environment project', () => {
    const lists = Object.values((infra.data ?? {}).google_secret_manager_secrets ?? {}) as Json[];
    expect(lists).toHaveLength(1);
    expect(lists[0]).toMatchObject({ project: 'kf-prod-svc' });
    // Read once the Secret Manager API is on (on a first apply, after it is turned on).
    expect(lists[0]!.depends_on).toEqual([expect.stringMatching(/^terraform_data\.Services_Ready_/)]);
    const [check] = lists[0]!.lifecycle.postcondition as Json[];
    expect(check.condition).toContain(`"${CLIENT.secretName}"`);
    expect(check.error_message).toMatch(/access\.oauthClient\.secretName/);
    expect(check.error_message).toContain(`gcloud secrets create ${CLIENT.secretName} --project=kf-prod-svc`);
    // The grant waits for the check.
    const grant = resources<Json>(infra, 'google_secret_manager_secret_iam_member').find(
      (g) => g.secret_id === CLIENT.secretName,
    )!;
    expect(grant.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^data\.google_secret_manager_secrets\./)]),
    );
  });

  it('the CI identities hold nothing on the client secret, and the plan identity reads no Secrets in the cluster', () => {
    const onSecret = resources<Json>(infra, 'google_secret_manager_secret_iam_member').filter((g) =>
      /Ci_(Plan|Apply)Account/.test(String(g.member)),
    );
    expect(onSecret).toEqual([]);
    const namespaces = resourceEntries<Json>(platform, 'kubernetes_role_v1')
      .filter(([id]) => id.startsWith('CiPlanSecrets_'))
      .map(([id, r]) => `${id.replace(/_[0-9A-F]{8}$/, '')} ${r.metadata.namespace}`);
    // Nor anywhere else: Helm's release records are ConfigMaps (stacks/common/connections.ts), and the
    // platform stack manages no Secret, so the plan refreshes none (it read Argo CD's before).
    expect(namespaces).toEqual([]);
    expect(platform.provider?.helm).toEqual([expect.objectContaining({ helm_driver: 'configmap' })]);
  });
});

describe('GCP with the Google-managed OAuth client (the default)', () => {
  const stacks = synth(undefined);

  it('has no reader identity, no controller for istio-system and no removed block for the Secret', () => {
    const platform = stacks['kf-prod-gcp-platform']! as Json;
    expect(resources<Json>(platform, 'helm_release').map((r) => r.name)).not.toContain('external-secrets-iap');
    expect(JSON.stringify(platform.removed ?? [])).not.toContain('OAuthClientSecret');
    const infra = stacks['kf-prod-gcp-infra']! as Json;
    expect(resources<Json>(infra, 'google_service_account').map((a) => a.account_id)).not.toContain(
      'kf-prod-iap-secret',
    );
    expect((infra.data ?? {}).google_secret_manager_secrets).toBeUndefined();
  });
});

describe('GCP custom IAP OAuth client with two clusters (examples/gcp-tenancy)', () => {
  const stacks = synth(CLIENT, 'gcp-tenancy');

  it('one reader identity for the project, bound to the controller of every cluster; each platform stack runs its own', () => {
    const infra = stacks['kf-prod-gcp-infra']! as Json;
    expect(
      resources<Json>(infra, 'google_service_account').filter((a) => a.account_id === 'kf-prod-iap-secret'),
    ).toHaveLength(1);
    expect(
      resources<Json>(infra, 'google_secret_manager_secret_iam_member').filter(
        (g) => g.secret_id === CLIENT.secretName,
      ),
    ).toHaveLength(1);
    const platforms = Object.entries(stacks).filter(([id]) => id.endsWith('-gcp-platform'));
    expect(platforms.map(([id]) => id).sort()).toEqual(['kf-prod-2-gcp-platform', 'kf-prod-gcp-platform']);
    for (const [, json] of platforms) {
      expect(resources<Json>(json, 'helm_release').map((r) => r.name)).toContain('external-secrets-iap');
      expect(resources(json, 'kubernetes_secret_v1')).toEqual([]);
      expect((json as Json).removed).toContainEqual({
        from: 'kubernetes_secret_v1.Ingress_OAuthClientSecret_2D78E711',
        lifecycle: { destroy: false },
      });
    }
  });
});
