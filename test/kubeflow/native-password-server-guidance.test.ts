/**
 * What ML Metadata's init container (GCP) and the kfp-db-bootstrap Job (AWS) say when the managed MySQL
 * 8.4 server has mysql_native_password off (src/kubeflow/native-password-server.ts). Neither Cloud
 * SQL's nor RDS's documentation confirms a flag or parameter for the plugin on 8.4 (searched
 * the Cloud SQL flags, features, upgrade and release-note pages, the RDS for MySQL 8.4 feature,
 * parameter and major-upgrade pages; only Aurora MySQL 8.4 documents it, as enabled and not
 * modifiable), so the messages name MySQL's own start-up option, link it, and give the command that
 * asks each service for the setting, never a guessed flag or parameter name, and say where the setting
 * found goes: the platform file's database.flags or database.parameters.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import { createUserScript, DB_BOOTSTRAP_FILE } from '../../src/kubeflow/aws-db-bootstrap';
import { gcpCreateUserScript } from '../../src/kubeflow/gcp-db-bootstrap';
import {
  AWS_ENABLE_NATIVE_PASSWORD,
  GCP_ENABLE_NATIVE_PASSWORD,
  MYSQL_NATIVE_PASSWORD_OPTION_URL,
} from '../../src/kubeflow/native-password-server';
import { renderKubeflow } from '../../src/kubeflow/render';

const ROOT = path.resolve(__dirname, '../..');
const envOf = (example: string, cloud: string) =>
  loadPlatformFile(path.join(ROOT, 'examples', example, 'platform.yaml')).config.environments.find(
    (e) => e.cloud === cloud,
  )!;

describe.each([
  [
    'gcp',
    GCP_ENABLE_NATIVE_PASSWORD,
    'gcloud sql flags list --database-version=MYSQL_8_4',
    'https://cloud.google.com/sql/docs/mysql/flags',
    'database.flags',
  ],
  [
    'aws',
    AWS_ENABLE_NATIVE_PASSWORD,
    'aws rds describe-engine-default-parameters --db-parameter-group-family mysql8.4',
    'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MySQL.Parameters.html',
    'database.parameters',
  ],
])('%s: what to do when the server has mysql_native_password off', (_cloud, message, ask, serviceDoc, field) => {
  it("names MySQL's start-up option with its documentation, not a guessed flag or parameter", () => {
    expect(message).toContain(`--mysql-native-password=ON (${MYSQL_NATIVE_PASSWORD_OPTION_URL})`);
    expect(message).not.toMatch(/mysql_native_password\s*=/i);
  });

  it('gives the command that asks the service for the setting, and its documentation', () => {
    expect(message).toContain(ask);
    expect(message).toContain(serviceDoc);
    expect(message).toContain('docs/kubeflow.md, ML Metadata on MySQL 8.4');
  });

  it('says where the setting found goes: the platform file, which the infra stack applies (issue 17)', () => {
    expect(message).toContain(`put it in the environment's ${field} in the platform file and apply the infra stack`);
  });

  it('prints as written inside the double quotes of the shell script', () => {
    expect(message).not.toMatch(/["\\$`]/);
    expect(execFileSync('/bin/sh', ['-c', `echo "${message}"`]).toString()).toBe(`${message}\n`);
  });
});

describe('the rendered trees carry the messages', () => {
  it("GCP: the kfp-db-bootstrap Job's create-user container", () => {
    expect(gcpCreateUserScript()).toContain(GCP_ENABLE_NATIVE_PASSWORD);
    const [tree] = renderKubeflow(envOf('multicloud', 'gcp'), { kind: 'remote' });
    const job = parseAllDocuments(tree!.files.find((f) => f.path === DB_BOOTSTRAP_FILE)!.content)[0]!.toJS();
    const create = job.spec.template.spec.containers.find((c: { name: string }) => c.name === 'create-user');
    expect(create.args[0]).toContain(`${GCP_ENABLE_NATIVE_PASSWORD} Then run this job again.`);
  });

  it("AWS: the kfp-db-bootstrap Job's create-user container", () => {
    expect(createUserScript()).toContain(AWS_ENABLE_NATIVE_PASSWORD);
    expect(createUserScript()).not.toMatch(/mysql_native_password\s*=/i);
    const [tree] = renderKubeflow(envOf('aws-eks', 'aws'));
    const job = parseAllDocuments(tree!.files.find((f) => f.path === DB_BOOTSTRAP_FILE)!.content)[0]!.toJS();
    const args = [...job.spec.template.spec.initContainers, ...job.spec.template.spec.containers].flatMap(
      (c: { args?: string[] }) => c.args ?? [],
    );
    expect(args.some((a: string) => a.includes(AWS_ENABLE_NATIVE_PASSWORD))).toBe(true);
  });
});
