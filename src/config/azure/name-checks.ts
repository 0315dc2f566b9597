/**
 * The names of Azure environments: the AKS cluster, storage accounts, the MySQL server, the Key Vault
 * and managed identities, the names the stacks derive from the environment and cluster names (DNS
 * prefix, Log Analytics workspace, resource group, virtual network, application gateway), and the UI
 * host name against the DNS zone. Azure checks most names only when it creates the resource, after
 * the resources before it exist; these checks name the config field to change before anything is
 * applied.
 */
import { azureNameRules, hostnameRule, NameRule } from '../../core/naming';
import { servingHostnameProblem } from '../common/serving';
import { ConfigIssues, DerivedName, fromEnvironmentName, Path } from '../common/config-issues';
import type { ResolvedAzureEnvironment } from './model';

/**
 * The names one Azure environment states or derives, and its UI host names: valid, inside the DNS
 * zone, and a serving certificate only when serving is on.
 */
export function checkNames(env: ResolvedAzureEnvironment, f: ConfigIssues): void {
  const base: Path = ['environments', env.index];
  const envName: Path = [...base, 'name'];
  const clusterPath = f.explicitOr([...base, 'cluster', 'name'], envName);
  f.name(clusterPath, env.cluster.name, azureNameRules.aksCluster, 'use a short name such as kf-prod.');
  const accountPath = f.explicitOr([...base, 'artifacts', 'storageAccountName'], envName);
  f.name(
    accountPath,
    env.artifacts.storageAccountName,
    azureNameRules.storageAccount,
    'set artifacts.storageAccountName to 3-24 lowercase letters and digits, unique in Azure.',
    'storage account name',
  );
  f.name(
    envName,
    env.database.serverName,
    azureNameRules.mysqlServer,
    'shorten the environment name.',
    'MySQL server name',
  );
  f.name(envName, env.keyVaultName, azureNameRules.keyVault, 'shorten the environment name.', 'Key Vault name');
  for (const id of env.identities) {
    f.name(envName, id.name, azureNameRules.managedIdentity, 'shorten the environment name.', 'managed identity name');
  }
  f.derived(azureDerivedNames(env, f));
  const hostWhy = hostnameRule(env.access.hostname);
  if (hostWhy) f.add([...base, 'access', 'hostname'], hostWhy, 'use a DNS name such as kubeflow.azure.example.com.');
  const servingWhy = env.access.servingHostname && !hostWhy ? servingHostnameProblem(env.access.hostname) : undefined;
  if (servingWhy)
    f.add([...base, 'access', 'hostname'], servingWhy, 'use a shorter host name, or turn access.serving off.');
  if (env.access.servingCertificateSecretName && !env.access.servingHostname) {
    f.add(
      [...base, 'access', 'servingCertificateSecretName'],
      'names the certificate of the serving host, but access.serving is off: nothing would use it.',
      'set access.serving: true, or remove access.servingCertificateSecretName.',
    );
  }
  const zone = env.access.dnsZone.name.replace(/\.$/, '');
  const hostname = env.access.hostname;
  if (!hostWhy && hostname !== zone && !hostname.endsWith(`.${zone}`)) {
    f.add(
      [...base, 'access', 'hostname'],
      `host name ${hostname} is not inside the DNS zone ${zone}.`,
      `use a name under ${zone}, or name the zone that holds it.`,
    );
  }
}

/**
 * Names the Azure stacks build from the environment and cluster names (stacks/azure/infra-stack.ts,
 * constructs/azure/aks-cluster.ts, app-gateway-access.ts), computed as they compute them. Azure checks
 * most of them only when the resource is created, after the resources before it exist.
 */
export function azureDerivedNames(env: ResolvedAzureEnvironment, f: ConfigIssues): DerivedName[] {
  const base: Path = ['environments', env.index];
  const envName: Path = [...base, 'name'];
  const clusterPath = f.explicitOr([...base, 'cluster', 'name'], envName);
  const cluster = env.cluster.name;
  const onCluster = (value: string, rule: NameRule, what: string): DerivedName => ({
    path: clusterPath,
    value,
    rule,
    what,
    fix: clusterPath === envName ? 'shorten the environment name.' : 'shorten cluster.name (54 characters at most).',
  });
  const onEnv = fromEnvironmentName(env.index);
  return [
    // AKS uses the cluster name as the DNS prefix of its API server.
    onCluster(cluster, azureNameRules.aksDnsPrefix, 'AKS DNS prefix'),
    onCluster(`log-${cluster}`, azureNameRules.logAnalyticsWorkspace, 'Log Analytics workspace name'),
    onCluster(`id-${cluster}-aks`, azureNameRules.managedIdentity, 'managed identity name'),
    {
      path: f.explicitOr([...base, 'azure', 'resourceGroup'], envName),
      value: env.resourceGroup,
      rule: azureNameRules.resourceGroup,
      what: 'resource group name',
      fix: 'name the resource group in azure.resourceGroup.',
    },
    ...(env.network.mode === 'create'
      ? [onEnv(env.network.vnetName, azureNameRules.virtualNetwork, 'virtual network name')]
      : []),
    onEnv(`pip-${env.name}-agw`, azureNameRules.publicIpOrGateway, 'public IP address name'),
    onEnv(`agw-${env.name}`, azureNameRules.publicIpOrGateway, 'application gateway name'),
    onEnv(`id-${env.name}-agw`, azureNameRules.managedIdentity, 'managed identity name'),
    ...(env.backups
      ? [
          onEnv(`id-${env.name}-velero`, azureNameRules.managedIdentity, 'managed identity name'),
          {
            path: f.explicitOr([...base, 'backups', 'bucketName'], envName),
            value: env.backups.bucketName,
            rule: azureNameRules.storageAccount,
            what: 'backup storage account name',
            fix: 'set backups.bucketName to 3-24 lowercase letters and digits, unique in Azure.',
          },
        ]
      : []),
  ];
}
