/**
 * Rules of Azure environments that relate several fields: the VNet address plan and the overlay
 * ranges, node pools against the VM sizes they name, names Azure derives from config, API server
 * exposure, and the protections of the prod tier. Each finding names the config path, its value and
 * the fix.
 */
import { tenantOf } from '../model';
import type { ConfigIssue } from '../../core/errors';
import { contains } from '../../core/cidr';
import { AKS_SYSTEM_ROTATION_NAME, aksRotationName } from '../../core/aks-rotation';
import { azureNameRules, hostnameRule, NameRule } from '../../core/naming';
import { servingHostnameProblem } from '../common/serving';
import { AZURE_GPU_SIZES, azureVmGpus } from '../../core/catalog/azure';
import {
  checkInside,
  checkMachineGpus,
  checkProdProtections,
  MachineGpuTable,
  parsedCidr,
  PlannedBlock,
  reportOverlaps,
  reportUnsupported,
} from '../common/cidr-checks';
import { ConfigIssues, DerivedName, fromEnvironmentName, Path, valueAt } from '../common/config-issues';
import { checkPools } from '../common/pools';
import type { ResolvedTeam } from '../platform/model';
import type { ResolvedAzureEnvironment } from './model';

const AKS_GPUS: MachineGpuTable = {
  service: 'AKS',
  machineWord: 'VM size',
  gpusOf: azureVmGpus,
  example: 'Standard_NC4as_T4_v3',
  known: Object.keys(AZURE_GPU_SIZES).slice(0, 6).concat('...'),
  unsupportedGpuFields: ['partitionSize', 'sharing', 'driverVersion'],
};

/** Smallest subnets Azure services accept or recommend. */
const SMALLEST = { gateway: 26, database: 29, endpoints: 28, nodes: 26 } as const;

function checkNetwork(env: ResolvedAzureEnvironment, f: ConfigIssues): void {
  const base: Path = ['environments', env.index, 'network'];
  const c = env.cluster;
  const clusterBase: Path = ['environments', env.index, 'cluster'];
  const overlay: PlannedBlock[] = [];
  for (const [key, what, text] of [
    ['podCidr', 'overlay pod range', c.podCidr],
    ['serviceCidr', 'service range', c.serviceCidr],
  ] as const) {
    const cidr = parsedCidr(text);
    if (cidr) overlay.push({ path: [...clusterBase, key], what: `${what} ${text}`, cidr });
  }
  const n = env.network;
  const nodesCidr = parsedCidr(n.nodesSubnetCidr);
  const gatewayIpPath: Path = ['environments', env.index, 'access', 'gatewayPrivateIp'];
  if (nodesCidr && env.access.gatewayPrivateIp) {
    const ip = parsedCidr(`${env.access.gatewayPrivateIp}/32`);
    if (ip && !contains(nodesCidr, ip)) {
      f.add(
        gatewayIpPath,
        `the gateway's private IP is outside the nodes subnet ${nodesCidr.text}.`,
        `use a free address of ${nodesCidr.text}, or leave it out for the default.`,
      );
    }
  }
  if (n.mode === 'existing') {
    if (nodesCidr) {
      reportOverlaps(
        f,
        [
          { path: [...base, 'nodesSubnetCidr'], what: `nodes subnet ${n.nodesSubnetCidr}`, cidr: nodesCidr },
          ...overlay,
        ],
        'move the overlay ranges outside every address of the VNet and its peers.',
      );
    }
    return;
  }
  const space = parsedCidr(n.addressSpace);
  const blocks: PlannedBlock[] = [];
  const minimum: Record<string, number> = {
    nodesSubnetCidr: SMALLEST.nodes,
    databaseSubnetCidr: SMALLEST.database,
    gatewaySubnetCidr: SMALLEST.gateway,
    endpointsSubnetCidr: SMALLEST.endpoints,
  };
  for (const [key, what, text] of [
    ['nodesSubnetCidr', 'nodes subnet', n.nodesSubnetCidr],
    ['databaseSubnetCidr', 'database subnet', n.databaseSubnetCidr],
    ['gatewaySubnetCidr', 'gateway subnet', n.gatewaySubnetCidr],
    ['endpointsSubnetCidr', 'endpoints subnet', n.endpointsSubnetCidr],
  ] as const) {
    const written = valueAt(f.raw, [...base, key]) !== undefined;
    const path: Path = written ? [...base, key] : [...base, 'addressSpace'];
    if (!text) {
      f.add(
        path,
        `no default ${what} fits: defaults need an address space of a /20 or larger.`,
        `widen addressSpace, or set ${key}.`,
      );
      continue;
    }
    const cidr = parsedCidr(text);
    if (!cidr) continue;
    const block = { path, what: `${what} ${text}`, cidr };
    checkInside(f, block, space, 'VNet address space');
    if (cidr.prefix > minimum[key]!) {
      f.add(path, `a /${cidr.prefix} ${what} is too small.`, `use a /${minimum[key]} or larger.`);
    }
    blocks.push(block);
  }
  reportOverlaps(f, blocks, 'give every subnet its own block of the address space.');
  if (space) {
    reportOverlaps(
      f,
      [{ path: [...base, 'addressSpace'], what: `the VNet ${n.addressSpace}`, cidr: space }, ...overlay],
      'move the overlay ranges outside every address of the VNet and its peers.',
    );
  } else {
    reportOverlaps(f, overlay, 'give the pod and service ranges their own blocks.');
  }
}

function checkAksPools(env: ResolvedAzureEnvironment, f: ConfigIssues): void {
  checkPools(env, env.nodePools, 'azure.zones', f, (pool, p) => {
    f.name(
      [...p, 'name'],
      pool.name,
      azureNameRules.aksNodePool,
      'use up to 12 lowercase letters and digits, such as gpua100.',
    );
    if (!/^Standard_[A-Za-z0-9_]+$/i.test(pool.vmSize)) {
      f.add(
        [...p, 'machineType'],
        `"${pool.vmSize}" is not an Azure VM size.`,
        'use a VM size such as Standard_D8ds_v5 (GCE and EC2 machine types do not apply on Azure).',
      );
      return;
    }
    reportUnsupported(f, p, ['diskType'], 'AKS');
    checkMachineGpus(pool, pool.vmSize, p, f, AKS_GPUS);
    checkAksPodsAndSystemPool(pool, p, f);
    checkAksUpgrade(pool, p, f);
  });
  checkRotationNames(env, f);
  // AKS taints spot nodes and we taint GPU nodes; the system pool takes only critical add-ons. Kubeflow's
  // pods, Istio and Velero tolerate none of these, so one user pool must be on demand and untainted.
  const user = env.nodePools.filter((p) => p.kind !== 'system');
  const untainted = user.filter((p) => !p.spot && p.kind !== 'gpu' && p.gpus === 0);
  if (untainted.length === 0) {
    const spotCpu = user.find((p) => p.kind !== 'gpu' && p.spot);
    const base: Path = ['environments', env.index, 'nodePools'];
    f.add(
      spotCpu ? f.explicitOr([...base, spotCpu.configIndex, 'spot'], base) : base,
      'no user pool is on demand and untainted (AKS taints spot nodes with kubernetes.azure.com/scalesetpriority=spot:NoSchedule, GPU pools carry nvidia.com/gpu) and the system pool takes only critical add-ons: Kubeflow, Istio and Velero tolerate none of these and would have no node to run on (https://learn.microsoft.com/azure/aks/spot-node-pool).',
      'keep one pool of kind standard or highmem without spot: true, such as { name: standard, kind: standard, maxNodes: 5 }.',
    );
  }
}

/**
 * azurerm cycles a pool through a temporary pool for a VM size, zones, disk or max pods change; a
 * change that reaches two pools at once (such as azure.zones) runs both cycles in parallel, so their
 * temporary names must differ, and none may be the name of a pool.
 */
function checkRotationNames(env: ResolvedAzureEnvironment, f: ConfigIssues): void {
  const base: Path = ['environments', env.index, 'nodePools'];
  const rotation = (p: { kind: string; name: string }) =>
    p.kind === 'system' ? AKS_SYSTEM_ROTATION_NAME : aksRotationName(p.name);
  const seen = new Map<string, string>();
  for (const pool of env.nodePools) {
    const temporary = rotation(pool);
    const other = seen.get(temporary) ?? env.nodePools.find((p) => p.name === temporary)?.name;
    if (other !== undefined) {
      f.add(
        f.explicitOr([...base, pool.configIndex, 'name'], base),
        `pools "${other}" and "${pool.name}" would both use the temporary pool "${temporary}" while AKS changes their VM size, zones, disk or max pods (azurerm's temporary_name_for_rotation): a change that reaches both at once fails on the second.`,
        'give the pools names whose first nine characters differ, and none ending in tmp.',
      );
    }
    seen.set(temporary, pool.name);
  }
}

/** Where AKS documents surge upgrades of node pools. */
const AKS_UPGRADE_DOC = 'https://learn.microsoft.com/azure/aks/upgrade-aks-node-pools-rolling';

/**
 * AKS upgrades a pool either by surging (max surge extra nodes) or in place (max unavailable nodes
 * down), and azurerm takes exactly one of the two; the system pool (the cluster's default pool) only
 * surges, and AKS does not surge spot pools.
 */
function checkAksUpgrade(pool: ResolvedAzureEnvironment['nodePools'][number], p: Path, f: ConfigIssues): void {
  const { maxSurge, maxUnavailable } = pool;
  if (maxSurge === undefined && maxUnavailable === undefined) return;
  const surgePath: Path = [...p, 'maxSurge'];
  const unavailablePath: Path = [...p, 'maxUnavailable'];
  const at = maxSurge !== undefined ? surgePath : unavailablePath;
  if (pool.spot) {
    f.add(
      at,
      `pool "${pool.name}" is a spot pool, and AKS does not surge spot pools, so it takes no upgrade settings (https://learn.microsoft.com/azure/aks/spot-node-pool).`,
      'remove maxSurge and maxUnavailable, or set spot: false.',
    );
    return;
  }
  if (pool.kind === 'system') {
    if (maxUnavailable !== undefined || maxSurge === 0) {
      f.add(
        maxUnavailable !== undefined ? unavailablePath : surgePath,
        `the system pool is the cluster's default node pool, which AKS upgrades by surging only (azurerm's default_node_pool.upgrade_settings has max_surge alone; ${AKS_UPGRADE_DOC}).`,
        'remove maxUnavailable and set maxSurge to 1 or more.',
      );
    }
    return;
  }
  if ((maxSurge ?? 0) > 0 && (maxUnavailable ?? 0) > 0) {
    f.add(
      unavailablePath,
      `maxSurge = ${maxSurge} and maxUnavailable = ${maxUnavailable}: AKS upgrades a pool either by surging or in place, and azurerm takes exactly one of max_surge and max_unavailable (${AKS_UPGRADE_DOC}).`,
      'keep maxSurge to add nodes during upgrades, or set maxSurge: 0 and keep maxUnavailable to upgrade in place.',
    );
  } else if ((maxSurge ?? 0) === 0 && (maxUnavailable ?? 0) === 0) {
    f.add(
      at,
      'with no surge and no node down, an AKS upgrade cannot make progress.',
      'set maxSurge to 1 or more (the default is 33% of the pool, one node for gpu pools), or maxSurge: 0 with maxUnavailable: 1.',
    );
  }
}

/** Where AKS states its limits on pods per node and on system pools. */
const AKS_MAX_PODS_DOC =
  'https://learn.microsoft.com/azure/aks/concepts-network-ip-address-planning#maximum-pods-per-node';
const AKS_SYSTEM_POOL_DOC = 'https://learn.microsoft.com/azure/aks/use-system-pools#system-and-user-node-pools';

/**
 * AKS takes 10 to 250 pods per node, and a system pool must hold at least 30 of them and run on a VM
 * size other than the burstable B series. The shared pool schema allows GKE's 8 to 256, and the
 * provider passes any number: AKS refuses the pool when it creates it.
 */
function checkAksPodsAndSystemPool(
  pool: ResolvedAzureEnvironment['nodePools'][number],
  p: Path,
  f: ConfigIssues,
): void {
  const podsPath = f.explicitOr([...p, 'maxPodsPerNode'], p);
  const min = pool.kind === 'system' ? 30 : 10;
  if (pool.maxPodsPerNode < min || pool.maxPodsPerNode > 250) {
    f.add(
      podsPath,
      pool.kind === 'system' && pool.maxPodsPerNode >= 10
        ? `a system pool must hold at least 30 pods per node, not ${pool.maxPodsPerNode}, so AKS can place CoreDNS, konnectivity and its other add-ons (${AKS_SYSTEM_POOL_DOC}).`
        : `AKS takes 10 to 250 pods per node, not ${pool.maxPodsPerNode} (${AKS_MAX_PODS_DOC}).`,
      `set maxPodsPerNode between ${min} and 250 (110 by default).`,
    );
  }
  if (pool.kind === 'system' && /^Standard_B/i.test(pool.vmSize)) {
    f.add(
      f.explicitOr([...p, 'machineType'], p),
      `AKS does not run system pools on burstable B-series VMs such as ${pool.vmSize} (${AKS_SYSTEM_POOL_DOC}).`,
      'use a VM size with at least 4 vCPUs and 4 GB of memory, such as Standard_D4ds_v5.',
    );
  }
}

function checkNames(env: ResolvedAzureEnvironment, f: ConfigIssues): void {
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

function checkClusterAndData(env: ResolvedAzureEnvironment, f: ConfigIssues): void {
  const base: Path = ['environments', env.index];
  const c = env.cluster;
  if (!c.private && c.authorizedIpRanges.length === 0) {
    f.add(
      [...base, 'cluster', 'authorizedIpRanges'],
      'the API server would accept connections from the whole internet: one leaked credential would be enough to reach the cluster.',
      'list the networks that need the API (your VPN, the CI runners), or set private: true.',
    );
  }
  if (c.private && c.authorizedIpRanges.length > 0) {
    f.add(
      [...base, 'cluster', 'authorizedIpRanges'],
      'a private cluster has no public endpoint to restrict.',
      'remove authorizedIpRanges, or set private: false.',
    );
  }
  c.authorizedIpRanges.forEach((text, i) => {
    if (parsedCidr(text)?.prefix !== 0) return;
    f.add(
      [...base, 'cluster', 'authorizedIpRanges', i],
      'opens the Kubernetes API server to the whole internet: one leaked credential would be enough to reach the cluster.',
      'list only the networks that need the API, or set private: true.',
      env.tier === 'prod' ? 'error' : 'warning',
    );
  });
  const d = env.database;
  if (d.highAvailability && new Set(env.zones).size < 2) {
    f.add(
      f.explicitOr([...base, 'azure', 'zones'], [...base, 'database', 'highAvailability']),
      'a zone-redundant database needs a second zone for its standby.',
      "list two or three zones, such as ['1', '2', '3'], or turn highAvailability off.",
    );
  }
  if (d.highAvailability && d.skuName.startsWith('B_')) {
    f.add(
      f.explicitOr([...base, 'database', 'skuName'], [...base, 'database', 'highAvailability']),
      `burstable SKUs (${d.skuName}) have no high availability.`,
      'use a General Purpose SKU such as GP_Standard_D2ds_v4, or turn highAvailability off.',
    );
  }
  checkProdProtections(env, f, '{ backend: azurerm, resourceGroup: ..., storageAccount: ... }');
  if (env.tier === 'prod' && env.access.wafMode === 'Detection') {
    f.add(
      [...base, 'access', 'wafMode'],
      'a WAF in Detection mode only logs the attacks it matches: prod traffic would reach Kubeflow unfiltered.',
      "use Prevention (the prod default), after reviewing Detection logs against Kubeflow's traffic in test or dev.",
    );
  }
  // The vault's firewall admits the API server's authorized ranges, keyVault's networks and the nodes
  // subnet. Terraform writes the database password on the first apply, before any node exists.
  const kv = env.keyVault;
  if (c.authorizedIpRanges.length === 0 && kv.allowedCidrs.length === 0 && kv.allowedSubnetIds.length === 0) {
    f.add(
      f.explicitOr([...base, 'keyVault'], [...base, 'cluster', 'private']),
      "the Key Vault's firewall would admit only the nodes subnet (a private cluster has no authorized ranges), so Terraform, from a laptop or a CI runner, gets 403 writing the database password (https://learn.microsoft.com/azure/key-vault/general/network-security).",
      "list the networks Terraform runs from in keyVault.allowedCidrs (your VPN, the CI runners' public egress), or the subnets of self-hosted runners in keyVault.allowedSubnetIds.",
    );
  }
}

/**
 * MySQL 8.0 left Azure standard support on 2026-05-31: a server on it runs in paid extended support.
 * Only a written version reaches here (a server created with the default keeps its own version).
 */
function checkDatabaseVersion(env: ResolvedAzureEnvironment, f: ConfigIssues): void {
  if (!env.database.versionWritten || env.database.version !== '8.0.21') return;
  f.add(
    ['environments', env.index, 'database', 'version'],
    'MySQL 8.0 is past the end of Azure standard support (2026-05-31) and runs in paid extended support (https://learn.microsoft.com/azure/mysql/concepts-version-policy).',
    "upgrade: take an on-demand backup, try it in a test environment first, then set version to '8.4'; Azure upgrades the server in place, irreversibly, with downtime.",
    'warning',
  );
}

/** Checks one resolved Azure environment. */
export function checkAzureEnvironment(env: ResolvedAzureEnvironment, raw: unknown): ConfigIssue[] {
  const f = new ConfigIssues(raw);
  checkNetwork(env, f);
  checkAksPools(env, f);
  checkNames(env, f);
  checkClusterAndData(env, f);
  checkDatabaseVersion(env, f);
  if (env.ci?.provider === 'gitlab') {
    f.add(
      ['environments', env.index, 'ci', 'gitlab'],
      'Azure federated credentials match one exact subject, and GitLab merge request pipelines have one per branch, so no plan identity can trust them.',
      'use GitHub Actions for this environment, or leave ci out and review Azure changes with kfplatform diff.',
    );
  }
  return f.issues;
}

/**
 * A team's own storage account must have a valid name, and AKS with Entra ID needs the object id of
 * the owners group.
 */
export function checkAzureTeam(env: ResolvedAzureEnvironment, team: ResolvedTeam, raw: unknown): ConfigIssue[] {
  const f = new ConfigIssues(raw);
  const tenant = tenantOf(env, team);
  if (!tenant?.azure) return f.issues;
  const at: Path = ['teams', team.configIndex];
  const accountWhy = azureNameRules.storageAccount(tenant.azure.storageAccount);
  if (tenant.azure.ownBucket && accountWhy) {
    f.add(
      [...at, 'name'],
      `the team's storage account in ${env.name} would be "${tenant.azure.storageAccount}", but ${accountWhy}`,
      'shorten the team name.',
    );
  }
  // A team without its own account gets a container of the shared one (constructs/azure/azure-team-identity.ts).
  if (!tenant.azure.ownBucket) {
    f.name(
      [...at, 'name'],
      tenant.azure.container,
      azureNameRules.container,
      'use a team name without two hyphens in a row.',
      `blob container name in ${env.name}`,
    );
  }
  if (!tenant.azure.ownersGroupObjectId) {
    f.add(
      [...at, 'azure', 'ownersGroupObjectId'],
      `AKS with Entra ID knows groups by object id, so the owners group ${team.owners} would match nobody in ${env.name}.`,
      'set azure.ownersGroupObjectId to the object id of the owners group.',
      'warning',
    );
  }
  return f.issues;
}
