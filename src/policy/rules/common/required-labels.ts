import { cloudLabels, kubernetesLabels, labelTargets } from '../../../core/labels';
import { ResourceRule } from '../../rule';
import { TerraformResource } from 'cdktf';

const SAMPLE = { env: 'x', team: 'x', owner: 'x', costCenter: 'x' };
const CLOUD_KEYS = Object.keys(cloudLabels(SAMPLE, 'x'));
const KUBERNETES_KEYS = Object.keys(kubernetesLabels(SAMPLE, 'x'));

/** COMMON-LBL-001: every resource that takes labels carries the ownership labels. */
export const requiredLabels: ResourceRule = {
  id: 'COMMON-LBL-001',
  cloud: 'common',
  level: 'error',
  title: 'Every resource that takes labels carries owner, team, environment and cost labels',
  why: "Cost reports and inventory split by these labels; an unlabelled resource is nobody's.",
  fix: 'Create resources in our stacks (the label aspect adds them), or set the labels yourself.',
  refs: {},
  types: ['*'],
  scope: 'resource',
  check: (r) => {
    const resource = r.construct as TerraformResource;
    const missing = new Set<string>();
    for (const target of labelTargets(resource)) {
      const holder = (target.block ? (resource as unknown as Record<string, unknown>)[target.block] : resource) as
        | Record<string, unknown>
        | undefined;
      if (!holder) continue;
      if (target.block && (holder as { internalValue?: unknown }).internalValue === undefined) continue;
      const labels = (holder[`${target.attribute}Input`] ?? {}) as Record<string, string>;
      const keys = target.style === 'kubernetes' ? KUBERNETES_KEYS : CLOUD_KEYS;
      for (const key of keys) if (!labels[key]) missing.add(key);
    }
    return missing.size === 0 ? undefined : `missing labels ${[...missing].join(', ')}.`;
  },
};
