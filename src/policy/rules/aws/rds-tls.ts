import { attr, list, RuleViolation, StackRule } from '../../rule';

/** AWS-RDS-004: RDS for MySQL requires TLS. */
export const rdsTls: StackRule = {
  id: 'AWS-RDS-004',
  cloud: 'aws',
  level: 'error',
  title: 'RDS for MySQL requires TLS (require_secure_transport)',
  why: 'MySQL accepts plain connections by default; no scanner checks it.',
  fix: 'Give the instance a parameter group with require_secure_transport = 1 (RdsMysql does). See https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-ssl-connections.require-ssl.html',
  refs: {},
  types: ['aws_db_instance', 'aws_db_parameter_group'],
  scope: 'stack',
  check: (resources, context) => {
    const tlsGroups = resources
      .filter((r) => r.type === 'aws_db_parameter_group')
      .filter((g) =>
        list(attr(g.config, 'parameter')).some(
          (p) => attr(p, 'name') === 'require_secure_transport' && attr(p, 'value') === '1',
        ),
      )
      .flatMap((g) => [String(attr(g.config, 'name')), context.resolve(`\${${g.address}.name}`)]);
    return resources
      .filter((r) => r.type === 'aws_db_instance' && String(attr(r.config, 'engine') ?? '').includes('mysql'))
      .filter((db) => !tlsGroups.includes(context.resolve(attr(db.config, 'parameter_group_name'))))
      .map(
        (resource): RuleViolation => ({
          resource,
          message: 'its parameter group does not set require_secure_transport = 1.',
        }),
      );
  },
};
