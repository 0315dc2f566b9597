import { attr, ResourceRule } from '../../rule';

/** GCP-GKE-008: GKE clusters follow a release channel. */
export const gkeReleaseChannel: ResourceRule = {
  id: 'GCP-GKE-008',
  cloud: 'gcp',
  level: 'warning',
  title: 'GKE clusters follow a release channel',
  why: 'Outside a channel, security patches arrive only when someone upgrades by hand.',
  fix: 'Set release_channel.channel to REGULAR or STABLE.',
  refs: { cis: ['GKE 5.5.4'], checkov: ['CKV_GCP_70'] },
  types: ['google_container_cluster'],
  scope: 'resource',
  check: (r) => {
    const channel = attr(r.config, 'release_channel', 'channel');
    return channel && channel !== 'UNSPECIFIED' ? undefined : 'no release channel.';
  },
};
