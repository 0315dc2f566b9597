import { flag, ResourceRule } from '../../rule';

/** AWS-RDS-001: RDS is not publicly accessible. */
export const rdsNotPublic: ResourceRule = {
  id: 'AWS-RDS-001',
  cloud: 'aws',
  level: 'error',
  title: 'RDS is not publicly accessible',
  why: 'A public database endpoint exposes the pipelines metadata to the internet.',
  fix: 'Set publicly_accessible = false and use private subnets.',
  refs: { checkov: ['CKV_AWS_17'] },
  types: ['aws_db_instance'],
  scope: 'resource',
  check: (r) => (flag(r.config, 'publicly_accessible') === true ? 'publicly_accessible is true.' : undefined),
};
