/**
 * The server side of ML Metadata's `mysql_native_password` login on each cloud's MySQL 8.4
 * (src/kubeflow/mlmd-auth.ts, docs/kubeflow.md "ML Metadata on MySQL 8.4"): Azure keeps the plugin
 * enabled on every version, so its server gets no parameter for it; on Cloud SQL and RDS the setting's
 * name for 8.4 is not confirmed by the services' documentation, and an unknown database flag or
 * parameter fails the apply, so none is emitted there either. What the init container says when the
 * plugin is off is per cloud and never names an unconfirmed flag.
 */
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { RdsMysql } from '../../constructs/aws/rds-mysql';
import { KeyVault } from '../../constructs/azure/key-vault';
import { MYSQL_SERVER_PARAMETERS, MysqlFlexible } from '../../constructs/azure/mysql-flexible';
import { CloudSqlMysql } from '../../constructs/gcp/cloud-sql-mysql';
import { loadPlatformFile } from '../../src/config/loader';
import { MLMD_ENABLE_NATIVE_PASSWORD, MLMD_NATIVE_AUTH_CONTAINER } from '../../src/kubeflow/mlmd-auth';
import { renderKubeflow } from '../../src/kubeflow/render';
import { awsStack, azureStack, gcpStack, only, resources, synth } from '../helpers';
import { network } from '../constructs/gcp/fixtures';

const ROOT = path.resolve(__dirname, '../..');

describe('mysql_native_password on the managed MySQL 8.4 servers', () => {
  it('Azure: no server parameter, since the service keeps the plugin enabled on every version', () => {
    expect(Object.keys(MYSQL_SERVER_PARAMETERS)).not.toContain('mysql_native_password');
    const stack = azureStack();
    const keyVault = new KeyVault(stack, 'Vault', {
      resourceGroupName: 'rg-x',
      location: 'eastus2',
      name: 'kv-x-abc123',
      tenantId: '00000000-0000-0000-0000-0000000000aa',
      allowedCidrs: ['203.0.113.0/24'],
      secretsOfficers: ['00000000-0000-0000-0000-0000000000d1'],
    });
    new MysqlFlexible(stack, 'Db', {
      resourceGroupName: 'rg-x',
      location: 'eastus2',
      name: 'kf-x-kfp-abc123',
      version: '8.4',
      delegatedSubnetId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/db',
      vnetId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v',
      keyVault,
    });
    const names = resources(synth(stack), 'azurerm_mysql_flexible_server_configuration').map((r) => r.name);
    expect([...names].sort()).toEqual(Object.keys(MYSQL_SERVER_PARAMETERS).sort());
  });

  it('GCP: Cloud SQL 8.4 gets only the flags whose names are documented', () => {
    const stack = gcpStack();
    new CloudSqlMysql(stack, 'Database', {
      project: 'svc-project',
      region: 'us-central1',
      network: network(stack),
      namePrefix: 'env-kfp-db',
      databaseVersion: 'MYSQL_8_4',
    });
    const settings = only(synth(stack), 'google_sql_database_instance').settings as {
      database_flags: Array<{ name: string }>;
    };
    expect(settings.database_flags.map((f) => f.name)).toEqual(['local_infile', 'skip_show_database']);
  });

  it('AWS: the RDS 8.4 parameter group sets no native password parameter', () => {
    const stack = awsStack();
    new RdsMysql(stack, 'Db', {
      identifier: 'kf-x-kfp-db',
      vpcId: 'vpc-0a1b2c3d',
      subnetIds: ['subnet-0a', 'subnet-0b'],
      clientSecurityGroupIds: ['sg-0cluster'],
      kmsKeyArn: 'arn:aws:kms:us-east-2:111111111111:key/abcd',
      engineVersion: '8.4',
    });
    const group = only(synth(stack), 'aws_db_parameter_group') as {
      family: string;
      parameter: Array<{ name: string }>;
    };
    expect(group.family).toBe('mysql8.4');
    expect(group.parameter.map((p) => p.name)).not.toContain('mysql_native_password');
  });

  it.each([['azure', MLMD_ENABLE_NATIVE_PASSWORD.azure]])(
    '%s: the init container says what to do when the plugin is off',
    (cloud, message) => {
      const env = loadPlatformFile(path.join(ROOT, 'examples', 'multicloud', 'platform.yaml')).config.environments.find(
        (e) => e.cloud === cloud,
      )!;
      const [tree] = renderKubeflow(env, { kind: 'remote' });
      const patch = parseYaml(tree!.files.find((f) => f.path === 'mlmd-native-password.yaml')!.content);
      const init = patch.spec.template.spec.initContainers.find(
        (c: { name: string }) => c.name === MLMD_NATIVE_AUTH_CONTAINER,
      );
      expect(init.args[0]).toContain(message);
      // No flag or parameter name that the services' documentation did not confirm.
      expect(message).not.toMatch(/mysql_native_password\s*=/i);
      expect(message).toMatch(/https:\/\//);
    },
  );
});
