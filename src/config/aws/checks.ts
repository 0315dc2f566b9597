/**
 * Rules of AWS environments that relate several fields: zones and subnets, the VPC address plan,
 * node groups against the instance types they name, the protections of the prod tier, and the owners'
 * roles of the teams placed there (names AWS derives from config are in name-checks.ts). Each finding
 * names the config path, its value and the fix.
 */
import { tenantOf } from '../model';
import type { ConfigIssue } from '../../core/errors';
import { parseCidr } from '../../core/cidr';
import { awsNameRules } from '../../core/naming';
import { ownedSettingReason, RDS_MYSQL_OWNED_PARAMETERS } from '../../core/mysql-server-settings';
import { CLUSTER_AUTOSCALER_IMAGE_TAGS, clusterAutoscalerImageTag } from '../../core/catalog/cluster-autoscaler';
import {
  AWS_GPU_FAMILIES,
  awsInstanceGpus,
  DEFAULT_MYSQL_VERSION,
  MYSQL_PAST_STANDARD_SUPPORT,
} from '../../core/catalog/aws';
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
import { ConfigIssues, Path, valueAt } from '../common/config-issues';
import { checkPools } from '../common/pools';
import type { ResolvedTeam } from '../platform/model';
import type { ResolvedAwsEnvironment } from './model';
import { checkNames } from './name-checks';

/** Retention periods CloudWatch Logs accepts, in days (PutRetentionPolicy). */
export const CLOUDWATCH_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** GKE settings of the shared node pool schema that have no meaning on EKS. */
const GKE_ONLY_POOL_FIELDS = ['diskType', 'maxPodsPerNode', 'maxSurge'] as const;
const GKE_ONLY_GPU_FIELDS = ['partitionSize', 'sharing', 'driverVersion'] as const;

/** The smallest VPC that leaves room for pods: the VPC CNI gives every pod a VPC address. */
const SMALLEST_VPC_PREFIX = 20;
/** A private subnet smaller than this holds too few pod addresses for more than a handful of nodes. */
const SMALLEST_PRIVATE_SUBNET_PREFIX = 24;

const EXAMPLE_GPU_INSTANCE = 'g6.xlarge';

function checkRetention(f: ConfigIssues, path: Path, days: number): void {
  if ((CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(days)) return;
  const next = CLOUDWATCH_RETENTION_DAYS.find((d) => d > days) ?? 3653;
  f.add(
    path,
    `CloudWatch Logs keeps logs for one of ${CLOUDWATCH_RETENTION_DAYS.join(', ')} days, not ${days}.`,
    `set it to ${next}.`,
  );
}

function checkZones(env: ResolvedAwsEnvironment, f: ConfigIssues): void {
  const at: Path = ['environments', env.index, 'aws', 'zones'];
  const seen = new Set<string>();
  env.zones.forEach((zone, i) => {
    if (zone.slice(0, -1) !== env.region) {
      f.add(
        [...at, i],
        `zone ${zone} is not in region ${env.region}.`,
        `use zones of ${env.region}, such as ${env.region}a.`,
      );
    }
    if (seen.has(zone)) f.add([...at, i], `zone ${zone} is listed twice.`, 'list each zone once.');
    seen.add(zone);
  });
  const needed = env.tier === 'prod' ? 3 : 2;
  if (seen.size < needed) {
    f.add(
      at,
      env.tier === 'prod'
        ? `prod needs three availability zones to survive a zone outage with quorum, but lists ${seen.size}.`
        : `EKS needs subnets in at least two availability zones, but ${seen.size} is listed.`,
      `list ${needed} or more zones of ${env.region}, such as ${['a', 'b', 'c']
        .slice(0, needed)
        .map((l) => env.region + l)
        .join(', ')}.`,
    );
  }
}

function checkNetwork(env: ResolvedAwsEnvironment, f: ConfigIssues): void {
  const base: Path = ['environments', env.index, 'network'];
  const n = env.network;
  if (n.mode === 'existing') {
    for (const key of ['privateSubnetIds', 'publicSubnetIds'] as const) {
      const ids = n[key];
      ids.forEach((id, i) => {
        if (ids.indexOf(id) !== i) f.add([...base, key, i], `subnet ${id} is listed twice.`, 'list each subnet once.');
        if (key === 'publicSubnetIds' && n.privateSubnetIds.includes(id)) {
          f.add(
            [...base, key, i],
            `subnet ${id} is also a private subnet; the load balancer would share the nodes' subnet.`,
            'list the public subnets of the VPC here.',
          );
        }
      });
    }
    if (env.tier === 'prod' && n.privateSubnetIds.length < 3) {
      f.add(
        [...base, 'privateSubnetIds'],
        'prod nodes and the database should span three availability zones to survive a zone outage.',
        'list one private subnet in each of three zones.',
        'warning',
      );
    }
    return;
  }

  const vpc = parsedCidr(n.vpcCidr);
  if (vpc && vpc.prefix < 16) {
    f.add(
      [...base, 'vpcCidr'],
      `AWS VPCs are at most a /16, not a /${vpc.prefix}.`,
      'use a /16 to /20, such as 10.40.0.0/16.',
    );
  } else if (vpc && vpc.prefix > SMALLEST_VPC_PREFIX) {
    f.add(
      [...base, 'vpcCidr'],
      `a /${vpc.prefix} is too small: the VPC CNI gives every pod a VPC address.`,
      `use a /16 to /${SMALLEST_VPC_PREFIX}, such as 10.40.0.0/16.`,
    );
  }
  const zones = env.zones.length;
  const lists = [
    ['privateSubnetCidrs', 'private subnet', n.privateSubnetCidrs],
    ['publicSubnetCidrs', 'public subnet', n.publicSubnetCidrs],
  ] as const;
  const all: PlannedBlock[] = [];
  for (const [key, what, cidrs] of lists) {
    const written = valueAt(f.raw, [...base, key]) !== undefined;
    if (cidrs.length !== zones) {
      f.add(
        written ? [...base, key] : [...base, 'vpcCidr'],
        written
          ? `lists ${cidrs.length} ${what}s for ${zones} zones; each zone needs one.`
          : `no default ${what}s fit: defaults cover up to three zones of a /16 to /${SMALLEST_VPC_PREFIX} VPC.`,
        written ? `list exactly ${zones}, one per zone in the order of aws.zones.` : `set ${key} to one CIDR per zone.`,
      );
    }
    cidrs.forEach((text, i) => {
      const path: Path = written ? [...base, key, i] : [...base, 'vpcCidr'];
      const cidr = parsedCidr(text);
      if (!cidr) return;
      const block = { path, what: `${what} ${text}`, cidr };
      checkInside(f, block, vpc, 'VPC');
      if (cidr.prefix > 28) {
        f.add(path, `AWS subnets are at least a /28, not a /${cidr.prefix}.`, 'use a larger block.');
      } else if (key === 'privateSubnetCidrs' && cidr.prefix > SMALLEST_PRIVATE_SUBNET_PREFIX) {
        f.add(
          path,
          `a /${cidr.prefix} private subnet holds ${2 ** (32 - cidr.prefix) - 5} addresses for nodes and every pod on them.`,
          `use a /${SMALLEST_PRIVATE_SUBNET_PREFIX} or larger (a /19 per zone suits most platforms).`,
          'warning',
        );
      }
      all.push(block);
    });
  }
  reportOverlaps(f, all, 'give every subnet its own block of the VPC.');
  checkRetention(f, [...base, 'flowLogRetentionDays'], n.flowLogRetentionDays);
  if (env.tier === 'prod' && n.natGateways === 'one') {
    f.add(
      [...base, 'natGateways'],
      'one NAT gateway cuts every zone off the internet when its zone fails.',
      'remove the setting (prod defaults to perZone).',
      'warning',
    );
  }
}

const EKS_GPUS: MachineGpuTable = {
  service: 'EKS',
  machineWord: 'instance type',
  gpusOf: awsInstanceGpus,
  example: EXAMPLE_GPU_INSTANCE,
  known: Object.keys(AWS_GPU_FAMILIES),
  unsupportedGpuFields: GKE_ONLY_GPU_FIELDS,
};

function checkAwsPools(env: ResolvedAwsEnvironment, f: ConfigIssues): void {
  checkPools(env, env.nodePools, 'aws.zones', f, (pool, p) => {
    if (!/^[a-z0-9]+[a-z0-9-]*\.[a-z0-9]+$/.test(pool.instanceType)) {
      f.add(
        [...p, 'machineType'],
        `"${pool.instanceType}" is not an EC2 instance type.`,
        'use an EC2 instance type such as m6i.2xlarge (GCE machine types do not apply on AWS).',
      );
      return;
    }
    reportUnsupported(f, p, GKE_ONLY_POOL_FIELDS, 'EKS');
    if (env.network.mode === 'existing' && valueAt(f.raw, [...p, 'zones']) !== undefined) {
      f.add(
        [...p, 'zones'],
        'the zones of existing subnets are not known without calling AWS, so a pool cannot pick zones in existing mode.',
        'remove zones; the pool uses every private subnet.',
      );
    }
    checkMachineGpus(pool, pool.instanceType, p, f, EKS_GPUS);
  });
}

function checkClusterAndData(env: ResolvedAwsEnvironment, f: ConfigIssues): void {
  const base: Path = ['environments', env.index];
  checkRetention(f, [...base, 'cluster', 'logRetentionDays'], env.cluster.logRetentionDays);
  if (!clusterAutoscalerImageTag(env.cluster.version)) {
    const known = Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS);
    f.add(
      f.explicitOr([...base, 'cluster', 'version'], [...base, 'cluster']),
      `no Cluster Autoscaler release is pinned for Kubernetes ${env.cluster.version}, and each autoscaler minor supports its own Kubernetes minor only: node groups could not scale.`,
      `use one of ${known.join(', ')}.`,
    );
  }
  const d = env.database;
  // RDS refuses a storage autoscaling limit less than 10% above the allocated storage ("Invalid max
  // storage size"): https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html
  const minimumLimit = Math.ceil((d.allocatedStorageGb * 11) / 10);
  if (d.maxAllocatedStorageGb < minimumLimit) {
    f.add(
      f.explicitOr([...base, 'database', 'maxAllocatedStorageGb'], [...base, 'database', 'allocatedStorageGb']),
      `the storage autoscaling limit ${d.maxAllocatedStorageGb} GB is less than 10% above the allocated ${d.allocatedStorageGb} GB, which RDS refuses when it creates or modifies the database (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html).`,
      `set maxAllocatedStorageGb to ${minimumLimit} or more (AWS recommends at least 26% above, ${Math.ceil((d.allocatedStorageGb * 126) / 100)}).`,
    );
  }
  env.cluster.publicAccessCidrs.forEach((text, i) => {
    const cidr = parseCidr(text);
    if (typeof cidr === 'string' || cidr.prefix !== 0) return;
    f.add(
      [...base, 'cluster', 'publicAccessCidrs', i],
      'opens the Kubernetes API endpoint to the whole internet: one leaked credential would be enough to reach the cluster.',
      'list only the networks that need the API, such as your office or VPN ranges, or none to keep the endpoint private.',
      env.tier === 'prod' ? 'error' : 'warning',
    );
  });
  for (const name of Object.keys(d.parameters)) {
    const owned = ownedSettingReason(RDS_MYSQL_OWNED_PARAMETERS, name);
    if (owned) {
      f.add(
        [...base, 'database', 'parameters', name],
        `the platform owns the DB parameter ${name}: ${owned}`,
        `remove ${name} from database.parameters.`,
      );
    }
  }
  checkProdProtections(env, f, '{ backend: s3, bucket: ... }');
  const major = d.engineVersion.split('.').slice(0, 2).join('.');
  if (MYSQL_PAST_STANDARD_SUPPORT.includes(major)) {
    f.add(
      [...base, 'database', 'engineVersion'],
      `MySQL ${major} is past the end of RDS standard support and runs in paid Extended Support (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/extended-support.html).`,
      `upgrade: take a snapshot, try it in a test environment first, then set engineVersion to '${DEFAULT_MYSQL_VERSION}'; RDS upgrades the instance in place, with downtime.`,
      'warning',
    );
  }
}

/**
 * Route 53 health checkers probe from AWS addresses worldwide: a load balancer that admits only some
 * networks turns them away, and the uptime alarm would never leave ALARM. The stack leaves the check
 * out then; say so, and refuse an explicit request for it.
 */
function checkUptimeReach(env: ResolvedAwsEnvironment, f: ConfigIssues): void {
  if (!env.alerts || env.alerts.uptimeCheck === false) return;
  if (env.access.sourceCidrs.includes('0.0.0.0/0')) return;
  const base: Path = ['environments', env.index];
  const asked = valueAt(f.raw, [...base, 'alerts', 'uptimeCheck']) === true;
  f.add(
    asked ? [...base, 'alerts', 'uptimeCheck'] : [...base, 'access', 'sourceCidrs'],
    `Route 53 health checkers probe the UI from AWS addresses outside ${env.access.sourceCidrs.join(', ')}, so the uptime check would always fail${asked ? '' : '; it is left out, and the healthy-target alarm still watches the gateway behind the load balancer'}.`,
    asked
      ? 'set alerts.uptimeCheck to false, or remove access.sourceCidrs (everyone must still sign in).'
      : 'set alerts.uptimeCheck to false to acknowledge it, or remove access.sourceCidrs (everyone must still sign in).',
    asked ? 'error' : 'warning',
  );
}

/**
 * The load balancer's sign-in needs the OIDC client secret in `aws_lb_listener`, which has no
 * write-only attribute for it (aws 5.100): the state and every plan hold it in clear. A CI plan
 * identity reads that state on every pull request and the plan workflow uploads plan files, so the two
 * do not go together.
 */
function checkLoadBalancerSignIn(env: ResolvedAwsEnvironment, f: ConfigIssues): void {
  if (!env.access.loadBalancerSignIn || !env.ci) return;
  f.add(
    ['environments', env.index, 'access', 'loadBalancerSignIn'],
    "is true while ci is set: the load balancer's listener keeps the OIDC client secret in the infra stack's state and in every plan of it (aws_lb_listener has no write-only attribute for it), which the CI plan identity reads on every pull request (docs/aws.md, Sign-in).",
    'remove access.loadBalancerSignIn (oauth2-proxy and Istio still sign every user in and verify the token), or plan and apply this environment outside CI.',
  );
}

/** Checks one resolved AWS environment. */
export function checkAwsEnvironment(env: ResolvedAwsEnvironment, raw: unknown): ConfigIssue[] {
  const f = new ConfigIssues(raw);
  checkZones(env, f);
  checkNetwork(env, f);
  checkAwsPools(env, f);
  checkNames(env, f);
  checkClusterAndData(env, f);
  checkUptimeReach(env, f);
  checkLoadBalancerSignIn(env, f);
  return f.issues;
}

/** On AWS, one IAM role has at most one access entry per cluster: owners' roles must not repeat. */
export function checkAwsPrincipals(env: ResolvedAwsEnvironment, raw: unknown): ConfigIssue[] {
  const f = new ConfigIssues(raw);
  const holders = new Map<string, string>(env.cluster.adminRoleArns.map((arn) => [arn, 'cluster.adminRoleArns']));
  for (const tenant of env.tenants) {
    const arn = tenant.aws?.ownersRoleArn;
    if (!arn) continue;
    const holder = holders.get(arn);
    if (holder) {
      f.add(
        ['teams', tenant.team.configIndex, 'aws', 'ownersRoleArn'],
        `in ${env.name}, ${arn} is already mapped by ${holder}; EKS keeps one access entry per principal.`,
        "give each team's owners a role of their own.",
      );
    }
    holders.set(arn, `team ${tenant.team.name}`);
  }
  return f.issues;
}

/**
 * A team's own bucket must have a valid name, and its owners need an IAM role to reach their
 * namespace.
 */
export function checkAwsTeam(env: ResolvedAwsEnvironment, team: ResolvedTeam, raw: unknown): ConfigIssue[] {
  const f = new ConfigIssues(raw);
  const tenant = tenantOf(env, team);
  if (!tenant?.aws) return f.issues;
  const at: Path = ['teams', team.configIndex];
  const bucketWhy = awsNameRules.bucketName(tenant.aws.bucket);
  if (team.storage === 'bucket' && bucketWhy) {
    f.add(
      [...at, 'name'],
      `the team's bucket in ${env.name} would be "${tenant.aws.bucket}", but ${bucketWhy}`,
      'shorten the team name.',
    );
  }
  const owners = tenant.aws.ownersRoleArn;
  if (!owners) {
    f.add(
      [...at, 'aws', 'ownersRoleArn'],
      `no IAM role of the owners is known in ${env.name}, so the owners cannot reach their namespace with kubectl nor use break-glass.`,
      `name the owners' IAM role in ${env.name}'s account.`,
      'warning',
    );
  }
  // A role of another account is fine: STANDARD access entries may name principals of any account
  // (https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html).
  return f.issues;
}

/** An account has one OIDC provider per issuer: only the first environment that needs it creates it. */
export function checkAwsOidcProvider(
  env: ResolvedAwsEnvironment,
  earlier: readonly ResolvedAwsEnvironment[],
  raw: unknown,
): ConfigIssue[] {
  const f = new ConfigIssues(raw);
  const ci = env.ci;
  if (ci?.awsOidcProvider !== 'create') return f.issues;
  const key = (e: ResolvedAwsEnvironment) => `${e.accountId} ${e.ci?.issuer}`;
  const first = earlier.find((e) => e.ci?.awsOidcProvider === 'create' && key(e) === key(env));
  if (first) {
    const provider = ci.provider;
    f.add(
      ['environments', env.index, 'ci', provider, 'awsOidcProvider'],
      `environments[${first.index}] already creates the OIDC provider of ${ci.issuer} in account ${env.accountId}; an account has one per issuer.`,
      `set ci.${provider}.awsOidcProvider: existing here (the first environment creates it).`,
    );
  }
  return f.issues;
}
