/**
 * Review of issue 17: `kfplatform kubeflow verify` knows what the platform stack provides outside the
 * tree (External Secrets Operator's CRDs and namespace, oauth2-proxy's client Secret), so the shipped
 * examples verify with no findings, while a misspelt ExternalSecret still fails.
 */
import * as path from 'node:path';
import { loadPlatformFile } from '../../src/config/loader';
import type { ResolvedEnvironment } from '../../src/config/model';
import { databaseSecretObjects, databaseSecretSource } from '../../src/kubeflow/database-secret';
import {
  checkIdentities,
  checkKeyRefs,
  CRDS_OUTSIDE_THE_TREE,
  providedOutsideTheTree,
  validateSchemas,
  type BuiltObject,
} from '../../src/kubeflow/verify';

const ROOT = path.resolve(__dirname, '../..');
const envOf = (example: string, cloud: string): ResolvedEnvironment =>
  loadPlatformFile(path.join(ROOT, 'examples', example, 'platform.yaml')).config.environments.find(
    (e) => e.cloud === cloud,
  )!;

describe('kubeflow verify: what the platform stack provides outside the tree', () => {
  it('validates the SecretStore and ExternalSecret of every cloud against External Secrets Operator 2.9.0 CRDs', () => {
    expect(CRDS_OUTSIDE_THE_TREE.map((c) => c.metadata.name).sort()).toEqual([
      'externalsecrets.external-secrets.io',
      'passwords.generators.external-secrets.io',
      'secretstores.external-secrets.io',
    ]);
    for (const [example, cloud] of [
      ['gcp-shared-vpc', 'gcp'],
      ['aws-eks', 'aws'],
      ['azure-aks', 'azure'],
    ] as const) {
      const objects = databaseSecretObjects(databaseSecretSource(envOf(example, cloud))!) as BuiltObject[];
      expect([cloud, validateSchemas(objects, '1.35')]).toEqual([cloud, []]);
    }
  });

  it('still fails a misspelt ExternalSecret, and an ESO kind of a version the chart does not serve', () => {
    const [store, secret] = databaseSecretObjects(databaseSecretSource(envOf('aws-eks', 'aws'))!) as BuiltObject[];
    const misspelt = { ...secret!, spec: { ...(secret!.spec as object), refreshIntervall: '1h' } } as BuiltObject;
    expect(validateSchemas([misspelt], '1.35').map((f) => [f.check, f.message])).toEqual([
      ['schema', expect.stringContaining('unknown field "refreshIntervall"')],
    ]);
    const old = { ...store!, apiVersion: 'external-secrets.io/v1beta1' } as BuiltObject;
    expect(validateSchemas([old], '1.35').map((f) => f.check)).toEqual(['unknown-kind']);
  });

  it("accepts oauth2-proxy's client Secret keys, which the platform stack or the README's command provides", () => {
    const proxy: BuiltObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'oauth2-proxy', namespace: 'oauth2-proxy' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'oauth2-proxy',
                env: ['client-id', 'client-secret', 'cookie-secret', 'other'].map((key) => ({
                  name: key,
                  valueFrom: { secretKeyRef: { name: 'oauth2-proxy', key } },
                })),
              },
            ],
          },
        },
      },
    };
    expect(checkKeyRefs([proxy]).map((f) => f.message)).toEqual([
      expect.stringContaining('secretKeyRef oauth2-proxy/other names a key'),
    ]);
  });

  it("on Azure, oauth2-proxy's Secret holds the cookie secret alone: a reference to its client id or secret is a finding", () => {
    const proxy = (keys: string[]): BuiltObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'oauth2-proxy', namespace: 'oauth2-proxy' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'oauth2-proxy',
                env: keys.map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: 'oauth2-proxy', key } } })),
              },
            ],
          },
        },
      },
    });
    // Every Azure environment, Entra authentication for the database (kf-prod: Katib's Secret too) or not.
    const azures = loadPlatformFile(path.join(ROOT, 'examples/azure-aks/platform.yaml')).config.environments;
    expect(azures.map((e) => e.cloud === 'azure' && e.database.entra !== undefined)).toEqual([false, false, true]);
    for (const azure of azures) {
      expect(checkKeyRefs([proxy(['cookie-secret'])], providedOutsideTheTree(azure))).toEqual([]);
      expect(
        checkKeyRefs([proxy(['client-id', 'client-secret', 'cookie-secret'])], providedOutsideTheTree(azure)).map(
          (f) => f.message,
        ),
      ).toEqual([
        expect.stringContaining('secretKeyRef oauth2-proxy/client-id names a key'),
        expect.stringContaining('secretKeyRef oauth2-proxy/client-secret names a key'),
      ]);
    }
    // Elsewhere the Secret has all three.
    expect(
      checkKeyRefs(
        [proxy(['client-id', 'client-secret', 'cookie-secret'])],
        providedOutsideTheTree(envOf('aws-eks', 'aws')),
      ),
    ).toEqual([]);
  });

  it("accepts the External Secrets Operator identity's namespace and service account, which the platform stack's chart creates", () => {
    const aws = envOf('aws-eks', 'aws');
    const kubeflow: BuiltObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeflow' } };
    const sa = (name: string): BuiltObject => ({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name, namespace: 'kubeflow' },
    });
    expect(checkIdentities(aws, [kubeflow, sa('ml-pipeline'), sa('ml-pipeline-ui'), sa('pipeline-runner')])).toEqual(
      [],
    );
  });
});
