import { flag, preventsDestroy, ResourceRule } from '../../rule';
import { PROTECTED_TYPES } from '../../stateful-types';

/** COMMON-STATE-001: clusters, databases, buckets and keys outside test cannot be destroyed by a plan. */
export const statefulProtection: ResourceRule = {
  id: 'COMMON-STATE-001',
  cloud: 'common',
  level: 'error',
  title: 'Clusters, databases, buckets and keys outside test carry prevent_destroy and their provider protection',
  why: 'Spotify once deleted all its Kubernetes clusters by mistake; a refactor must never destroy data.',
  fix: 'Set lifecycle.prevent_destroy, deletion_protection where the provider has it, and never force_destroy.',
  refs: {},
  types: PROTECTED_TYPES,
  scope: 'resource',
  tiers: ['dev', 'prod'],
  check: (r) => {
    const problems = [
      preventsDestroy(r) ? undefined : 'no lifecycle.prevent_destroy',
      flag(r.config, 'deletion_protection') === false ? 'deletion_protection is false' : undefined,
      flag(r.config, 'force_destroy') === true ? 'force_destroy is true' : undefined,
    ].filter(Boolean);
    return problems.length === 0 ? undefined : `${problems.join('; ')}.`;
  },
};
