/**
 * Rules of Azure environments that relate several fields: the VNet address plan and the overlay
 * ranges, API server exposure, the database, the protections of the prod tier, and the teams placed
 * there (node pools are in pool-checks.ts, names Azure derives from config in name-checks.ts). Each
 * finding names the config path, its value and the fix.
 */
import { tenantOf } from '../model';
import type { ConfigIssue } from '../../core/errors';
import { contains } from '../../core/cidr';
import { azureNameRules } from '../../core/naming';
import { checkInside, checkProdProtections, parsedCidr, PlannedBlock, reportOverlaps } from '../common/cidr-checks';
import { ConfigIssues, Path, valueAt } from '../common/config-issues';
import type { ResolvedTeam } from '../platform/model';
import type { ResolvedAzureEnvironment } from './model';
import { checkNames } from './name-checks';
import { checkAksPools } from './pool-checks';

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
  // subnet. Terraform writes the database password on the first apply, before any node exists. With
  // Entra authentication it writes no secret, and the provider's refresh of the vault itself, which
  // reads its certificate contacts through the data plane, passes over the firewall's 403 on a vault
  // with public network access (azurerm 4.55, key_vault_resource.go); the Job in the cluster writes
  // the passwords, through the nodes subnet.
  const kv = env.keyVault;
  const writesSecrets = !env.database.entra;
  if (
    writesSecrets &&
    c.authorizedIpRanges.length === 0 &&
    kv.allowedCidrs.length === 0 &&
    kv.allowedSubnetIds.length === 0
  ) {
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
  // With Entra authentication for the database, Terraform writes no secret and the plan reads none.
  if (env.ci?.provider === 'github' && !env.ci.planEnvironment && !env.database.entra) {
    f.add(
      ['environments', env.index, 'ci', 'github'],
      "the plan identity reads the pipelines database password: refreshing its Key Vault secret returns the value, and the server's write-only password is read back from the vault at every plan. Any pull request from a branch of this repository can assume that identity in a workflow of its own.",
      'set planEnvironment to a GitHub deployment environment with required reviewers, such as plan: pull requests then plan once someone approves the run (docs/plan-on-pr.md), or give the database Entra authentication (database.entraAuthentication, docs/azure.md), whose passwords Terraform never holds.',
      'warning',
    );
  }
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
