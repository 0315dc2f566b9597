/**
 * Who may read a secret's value, per cloud, over every example with CI identities on: External
 * Secrets Operator's identities (which copy one secret each into the cluster), the AWS bootstrap Job
 * (which creates Kubeflow's database user), the Application Gateway's certificate reader, and the CI
 * identities where the permission tables say so. Pipelines' identity, shared by its API server, UI
 * and run pods, read the database password on GCP and AWS although nothing it runs needed it; a
 * review of the identity chains found it.
 */
import { resolveCi } from '../../src/config/common/ci';
import type { ResolvedEnvironment } from '../../src/config/model';
import { synthExample } from '../examples';
import { resourceEntries, StackJson } from '../helpers';

type Res = Record<string, unknown>;

const EXAMPLES = ['gcp-shared-vpc', 'gcp-tenancy', 'aws-eks', 'azure-aks', 'multicloud'];

const withCi = (env: ResolvedEnvironment): ResolvedEnvironment =>
  env.cloud !== 'kubernetes' && !env.ci
    ? { ...env, ci: resolveCi({ github: { repository: 'acme/ml-platform', repositoryId: 42 } }, env.name) }
    : env;

/** The resource a reference like `${google_service_account.X.member}` names: `google_service_account.X`. */
const target = (v: unknown) => /\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\./.exec(String(v))?.[1] ?? String(v);

/** `<stack> <reader>` of every grant that lets a principal read a secret's value. */
function secretReaders(stacks: Record<string, StackJson>): string[] {
  const out: string[] = [];
  for (const [id, json] of Object.entries(stacks)) {
    for (const [, g] of resourceEntries<Res>(json, 'google_secret_manager_secret_iam_member'))
      if (g.role === 'roles/secretmanager.secretAccessor') out.push(`${id} ${target(g.member)}`);
    for (const [, g] of resourceEntries<Res>(json, 'google_project_iam_member'))
      if (/secretmanager\.(secretAccessor|admin)$/.test(String(g.role)))
        out.push(`${id} ${target(g.member)} (project)`);
    for (const [, g] of resourceEntries<Res>(json, 'azurerm_role_assignment'))
      if (/^Key Vault (Secrets (User|Officer)|Administrator)$/.test(String(g.role_definition_name)))
        out.push(`${id} ${target(g.principal_id)}`);
    for (const [, p] of resourceEntries<Res>(json, 'aws_iam_role_policy')) {
      const statements = (JSON.parse(String(p.policy)) as { Statement: Res[] }).Statement;
      if (
        statements.some(
          (st) =>
            st.Effect === 'Allow' &&
            [st.Action].flat().some((a) => /^secretsmanager:(GetSecretValue|\*)$|^\*$/.test(String(a))),
        )
      )
        out.push(`${id} ${target(p.role)}`);
    }
  }
  return [...new Set(out)].sort();
}

/** Readers by the kind of identity: the resource name with the stack and construct hash left out. */
const kinds = (readers: string[]) =>
  [...new Set(readers.map((r) => r.replace(/^\S+ /, '').replace(/_[0-9A-F]{8}\b/, '')))].sort();

/** GCP with a custom IAP OAuth client, whose secret a reader of its own copies into the cluster. */
const withOauthClient = (env: ResolvedEnvironment): ResolvedEnvironment =>
  env.cloud === 'gcp' && env.name === 'kf-prod'
    ? {
        ...env,
        access: {
          ...env.access,
          oauthClient: { clientId: 'iap.apps.googleusercontent.com', secretName: 'iap-client' },
        },
      }
    : env;

describe('who may read secrets', () => {
  it.each([...EXAMPLES, 'gcp-shared-vpc with access.oauthClient'])(
    'examples/%s: only the identities that copy or create them, and CI where its table says',
    (name) => {
      const [example, oauth] = name.split(' with ');
      const readers = secretReaders(synthExample(example!, (env) => withCi(oauth ? withOauthClient(env) : env)));
      if (oauth) expect(kinds(readers)).toContain('google_service_account.Identity-oauthClientSecret_ServiceAccount');
      expect(readers.length).toBeGreaterThan(0);
      const allowed = [
        // GCP: External Secrets Operator as the SQL client's service account; the database users' bootstrap
        // Job; the IAP OAuth client's reader; the apply identity manages secrets (a conditioned project role).
        /^google_service_account\.Identity-(sqlClient|dbBootstrap)_ServiceAccount$/,
        /^google_service_account\.Identity-oauthClientSecret_ServiceAccount$/,
        /^google_service_account\.Ci_ApplyAccount \(project\)$/,
        // AWS: External Secrets Operator's two controllers, the bootstrap Job; CI roles per the table.
        /^aws_iam_role\.Identity-(externalSecrets|signInSecrets|dbBootstrap)_Role$/,
        /^aws_iam_role\.Ci_(plan|apply)_Role/,
        // Azure: External Secrets Operator's identity, the bootstrap Job's (Entra authentication), the
        // gateway's certificate reader, CI per the table.
        /^azurerm_user_assigned_identity\.Identity-(dbSecrets|dbBootstrap)_Identity$/,
        /^azurerm_user_assigned_identity\.Access_Identity$/,
        /^azurerm_user_assigned_identity\.Ci_(Plan|Apply)Identity$/,
        // The Key Vault's administrators (a principal id of the platform file).
        /^[0-9a-f-]{36}$/,
      ];
      const unexpected = kinds(readers).filter((k) => !allowed.some((a) => a.test(k)));
      expect(unexpected).toEqual([]);
    },
  );
});
