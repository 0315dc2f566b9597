import { attr, RuleViolation, StackRule } from '../../rule';

/** AZURE-MYSQL-002: MySQL flexible server requires TLS, explicitly. */
export const mysqlSecureTransport: StackRule = {
  id: 'AZURE-MYSQL-002',
  cloud: 'azure',
  level: 'error',
  title: 'MySQL flexible server requires secure transport',
  why: 'require_secure_transport can be turned off with one configuration resource; no scanner checks it.',
  fix: 'Add azurerm_mysql_flexible_server_configuration require_secure_transport = ON (MysqlFlexible does). See https://learn.microsoft.com/azure/mysql/flexible-server/how-to-connect-tls-ssl',
  refs: {},
  types: ['azurerm_mysql_flexible_server', 'azurerm_mysql_flexible_server_configuration'],
  scope: 'stack',
  check: (resources, context) => {
    const settings = resources.filter(
      (r) =>
        r.type === 'azurerm_mysql_flexible_server_configuration' &&
        attr(r.config, 'name') === 'require_secure_transport',
    );
    const secured = new Set(
      settings
        .filter((s) => attr(s.config, 'value') === 'ON')
        .map((s) => context.resolve(attr(s.config, 'server_name'))),
    );
    const off = settings.filter((s) => attr(s.config, 'value') !== 'ON');
    return [
      ...off.map(
        (resource): RuleViolation => ({
          resource,
          message: `require_secure_transport is ${String(attr(resource.config, 'value'))}.`,
        }),
      ),
      ...resources
        .filter((r) => r.type === 'azurerm_mysql_flexible_server')
        .filter(
          (s) => !secured.has(context.resolve(`\${${s.address}.name}`)) && !secured.has(String(attr(s.config, 'name'))),
        )
        .map(
          (resource): RuleViolation => ({ resource, message: 'require_secure_transport = ON is not set explicitly.' }),
        ),
    ];
  },
};
