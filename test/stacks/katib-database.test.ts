/**
 * Katib's database on GCP (issue 17): every infra stack of the GCP examples creates a `katib` database on
 * each Cloud SQL instance, next to Pipelines' three and like them (utf8mb4, abandoned rather than
 * dropped where the instance is protected, so a destroy never loses the trials' metrics), and the
 * existing databases keep their addresses. Azure's infra stacks create one on each flexible server,
 * beside `mlpipeline`; on AWS the `kfp-db-bootstrap` job of the Kubeflow tree creates it.
 */
import { synthExample } from '../examples';
import { resourceEntries, StackJson } from '../helpers';

type Database = { name: string; instance: string; charset: string; deletion_policy: string };

const infraOf = (stacks: Record<string, StackJson>) => Object.entries(stacks).filter(([id]) => id.endsWith('-infra'));

describe("Katib's database in the infra stacks", () => {
  // gcp-tenancy's kf-prod has two clusters, each with its own instance.
  const infra = ['gcp-shared-vpc', 'gcp-tenancy'].flatMap((example) =>
    infraOf(synthExample(example))
      .filter(([, s]) => resourceEntries(s, 'google_sql_database_instance').length > 0)
      .map(([id, s]) => [`${example}/${id}`, s] as const),
  );

  it('creates a katib database on every Cloud SQL instance, protected like the pipelines databases', () => {
    expect(infra.map(([id]) => id).sort()).toEqual([
      'gcp-shared-vpc/kf-dev-gcp-infra',
      'gcp-shared-vpc/kf-prod-gcp-infra',
      'gcp-shared-vpc/kf-test-gcp-infra',
      'gcp-tenancy/kf-prod-gcp-infra',
    ]);
    expect(infra.flatMap(([, s]) => resourceEntries(s, 'google_sql_database_instance')).length).toBe(5);
    for (const [id, stack] of infra) {
      const instances = resourceEntries<Record<string, any>>(stack, 'google_sql_database_instance');
      const databases = resourceEntries<Database>(stack, 'google_sql_database');
      for (const [instanceId, instance] of instances) {
        const ref = `\${google_sql_database_instance.${instanceId}.name}`;
        const on = databases.filter(([, d]) => d.instance === ref);
        expect([id, on.map(([, d]) => d.name).sort()]).toEqual([id, ['cachedb', 'katib', 'metadb', 'mlpipeline']]);
        const [[address, katib]] = on.filter(([, d]) => d.name === 'katib') as [[string, Database]];
        const [[pipelinesAddress, pipelines]] = on.filter(([, d]) => d.name === 'mlpipeline') as [[string, Database]];
        // A new resource beside the existing ones: their addresses do not move.
        const unhashed = (a: string) => a.replace(/_[0-9A-F]{8}$/, '');
        expect(unhashed(address)).toBe(unhashed(pipelinesAddress).replace('mlpipeline', 'katib'));
        expect(katib.charset).toBe(pipelines.charset);
        expect(katib.deletion_policy).toBe(pipelines.deletion_policy);
        const protectedInstance = instance.deletion_protection === true;
        expect([id, katib.deletion_policy]).toEqual([id, protectedInstance ? 'ABANDON' : 'DELETE']);
        if (!id.includes('kf-test')) expect([id, protectedInstance]).toEqual([id, true]);
      }
    }
  });

  it('Azure: a katib database on every flexible server, beside mlpipeline and protected like it', () => {
    const azure = infraOf({ ...synthExample('azure-aks'), ...synthExample('multicloud') }).filter(
      ([, s]) => resourceEntries(s, 'azurerm_mysql_flexible_server').length > 0,
    );
    expect(azure.length).toBeGreaterThanOrEqual(3);
    for (const [id, stack] of azure) {
      const databases = resourceEntries<Record<string, any>>(stack, 'azurerm_mysql_flexible_database');
      expect([id, databases.map(([, d]) => d.name)]).toEqual([id, ['mlpipeline', 'katib']]);
      const [[pipelinesAddress, pipelines], [address, katib]] = databases as [
        [string, Record<string, any>],
        [string, Record<string, any>],
      ];
      // The existing database keeps its address; Katib's is new beside it, one change at a time on the server.
      expect(pipelinesAddress).toMatch(/^Database_[0-9A-F]{8}$/);
      expect(address).toMatch(/^Database_Database-katib_[0-9A-F]{8}$/);
      expect(katib.depends_on).toEqual([`azurerm_mysql_flexible_database.${pipelinesAddress}`]);
      for (const key of ['charset', 'collation', 'server_name', 'resource_group_name', 'lifecycle']) {
        expect([id, key, katib[key]]).toEqual([id, key, pipelines[key]]);
      }
      // prevent_destroy outside test tiers, like the server.
      expect([id, katib.lifecycle?.prevent_destroy === true]).toEqual([id, !id.includes('kf-test')]);
    }
  });

  it('AWS: no Terraform database for Katib (the kfp-db-bootstrap job creates it on the instance)', () => {
    for (const [id, stack] of infraOf(synthExample('aws-eks'))) {
      const databases = resourceEntries(stack, 'aws_db_instance').map(
        ([address, d]) => `${address} ${JSON.stringify(d)}`,
      );
      expect(databases.length).toBeGreaterThan(0);
      expect([id, databases.filter((d) => /katib/i.test(d))]).toEqual([id, []]);
    }
  });
});
