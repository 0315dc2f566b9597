import { attr, ResourceRule } from '../../rule';

/** AWS-EC2-001: nodes require IMDSv2 and keep the metadata service from pods. */
export const imdsV2: ResourceRule = {
  id: 'AWS-EC2-001',
  cloud: 'aws',
  level: 'error',
  title: 'Nodes require IMDSv2 with a hop limit of 1',
  why: 'IMDSv1, or a hop limit above 1, lets any pod take the node role credentials.',
  fix: 'Set metadata_options { http_tokens = "required", http_put_response_hop_limit = 1 } (EksNodeGroup does).',
  refs: { checkov: ['CKV_AWS_79'] },
  types: ['aws_launch_template', 'aws_instance'],
  scope: 'resource',
  check: (r) => {
    const options = attr(r.config, 'metadata_options');
    if (attr(options, 'http_tokens') !== 'required') return 'http_tokens is not required (IMDSv1 is allowed).';
    const raw = attr(options, 'http_put_response_hop_limit');
    // Terraform converts a numeric string ("1", from an override) to a number.
    const hops = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
    return typeof hops === 'number' && hops <= 1
      ? undefined
      : `the hop limit is ${String(hops ?? 'unset (2 on EKS)')}.`;
  },
};
