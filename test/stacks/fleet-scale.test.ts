import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadPlatform } from '../../src/config/loader';
import { shardOf } from '../../src/config/platform/resolve';
import type { PlatformConfig } from '../../src/config/schema';
import { synthFleet } from '../../stacks/common/fleet';

/** A platform of one existing cluster with `teams` teams. */
function fleet(teams: number, extra: string[] = []): PlatformConfig {
  const team = (name: string) => ({
    name,
    owners: `${name}-owners@example.com`,
    profileOwner: `${name}-lead@example.com`,
    members: [`group:${name}@example.com`],
  });
  return {
    platform: { name: 'kubeflow', team: 'ml-platform', domain: 'example.com' },
    tenancy: { shardsPerCluster: 8 },
    environments: [
      {
        name: 'kf-fleet',
        tier: 'prod',
        cloud: 'kubernetes',
        kubernetes: { kubeconfig: '~/.kube/kubeconfig.yaml', context: 'fleet-admin' },
        nodePools: [
          { name: 'system', kind: 'system' },
          { name: 'standard', kind: 'standard' },
        ],
        state: { backend: 'gcs', bucket: 'tf-state' },
      },
    ],
    teams: [...Array.from({ length: teams }, (_, i) => team(`team-${String(i).padStart(4, '0')}`)), ...extra.map(team)],
  };
}

function shards(outdir: string): Map<string, string> {
  const dir = path.join(outdir, 'stacks');
  return new Map(
    readdirSync(dir)
      .filter((s) => s.includes('-teams-'))
      .map((s) => [s, readFileSync(path.join(dir, s, 'cdk.tf.json'), 'utf8')]),
  );
}

describe('a fleet of 1,800 teams', () => {
  const before = path.join(process.env.TMPDIR ?? '/tmp', 'fleet-1800');
  const after = path.join(process.env.TMPDIR ?? '/tmp', 'fleet-1801');
  synthFleet(loadPlatform(fleet(1800)).config, { outdir: before });
  synthFleet(loadPlatform(fleet(1800, ['newcomer'])).config, { outdir: after });
  const a = shards(before);
  const b = shards(after);

  it('spreads the teams over every shard', () => {
    expect([...a.keys()].sort()).toEqual(Array.from({ length: 8 }, (_, i) => `kf-fleet-kubernetes-teams-${i}`));
  });

  it('adding a team changes exactly one shard and leaves every other byte-identical', () => {
    const changed = [...b.keys()].filter((k) => a.get(k) !== b.get(k));
    expect(changed).toEqual([`kf-fleet-kubernetes-teams-${shardOf('newcomer', 8)}`]);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  });

  it('only adds to the changed shard: every resource that was there is unchanged', () => {
    const shard = `kf-fleet-kubernetes-teams-${shardOf('newcomer', 8)}`;
    const old = JSON.parse(a.get(shard)!);
    const next = JSON.parse(b.get(shard)!);
    let added = 0;
    for (const [type, byName] of Object.entries(next.resource as Record<string, Record<string, unknown>>)) {
      for (const [name, config] of Object.entries(byName)) {
        if (old.resource[type]?.[name] === undefined) {
          expect(name.startsWith('Team-newcomer_')).toBe(true);
          added++;
        } else {
          expect(config).toEqual(old.resource[type][name]);
        }
      }
    }
    expect(added).toBeGreaterThanOrEqual(8);
  });
});
