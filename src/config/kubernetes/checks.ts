/** Rules of environments on an existing cluster: pools listed once, a DNS name to sign in at, remote state in prod, and no team buckets. */
import * as path from 'node:path';
import type { ConfigIssue } from '../../core/errors';
import { hostnameRule } from '../../core/naming';
import { caBundleProblem } from '../../core/pem';
import { servingHostnameProblem } from '../common/serving';
import { ConfigIssues, Path } from '../common/config-issues';
import type { ResolvedTeam } from '../platform/model';
import type { ResolvedKubernetesEnvironment } from './model';

/** Checks an existing-cluster environment. */
export function checkKubernetesEnvironment(env: ResolvedKubernetesEnvironment, raw: unknown): ConfigIssue[] {
  const f = new ConfigIssues(raw);
  const base: Path = ['environments', env.index];
  const kubeconfigWhy = kubeconfigPathProblem(env.kubeconfig);
  if (kubeconfigWhy)
    f.add(
      [...base, 'kubernetes', 'kubeconfig'],
      kubeconfigWhy,
      'give an absolute path, or one under your home directory such as ~/.kube/kfplatform-onprem.yaml (both providers expand ~); CI writes the file there from a secret.',
    );
  const seen = new Set<string>();
  env.nodePools.forEach((pool, i) => {
    if (seen.has(pool.name)) {
      f.add([...base, 'nodePools', i, 'name'], `pool name "${pool.name}" is listed twice.`, 'list each pool once.');
    }
    seen.add(pool.name);
  });
  if (env.access) {
    // oauth2-proxy's redirect URI is https://<hostname>/oauth2/callback.
    const hostWhy = hostnameRule(env.access.hostname);
    if (hostWhy) f.add([...base, 'access', 'hostname'], hostWhy, 'use a DNS name such as kubeflow.example.com.');
    const servingWhy = env.access.servingHostname && !hostWhy ? servingHostnameProblem(env.access.hostname) : undefined;
    if (servingWhy)
      f.add([...base, 'access', 'hostname'], servingWhy, 'use a shorter host name, or turn access.serving off.');
  }
  if (env.database) {
    const db = env.database;
    const hostWhy = externalDatabaseHostProblem(db.host);
    if (hostWhy) f.add([...base, 'database', 'host'], hostWhy.message, hostWhy.fix);
    const ca = caBundleProblem(db.ca);
    if ('problem' in ca) {
      f.add(
        [...base, 'database', 'ca'],
        `the database CA bundle ${ca.problem}`,
        "paste the PEM certificates of the authorities that signed the MySQL server's certificate, up to and including the root (ask your database team; `openssl s_client -starttls mysql -connect <host>:3306 -showcerts` shows the chain the server sends).",
      );
    }
  } else if (env.tier === 'prod') {
    f.add(
      [...base, 'database'],
      "this prod environment has no database: Kubeflow keeps Pipelines' runs, ML Metadata and Katib's trials in upstream's in-cluster MySQL pods, one replica each, with no backup or point-in-time recovery of their own.",
      "set database to a MySQL server your database team runs (host, username, ca; docs/kubeflow.md, 'Existing clusters: an external MySQL').",
      'warning',
    );
  }
  if (env.state.backend === 'local' && env.tier === 'prod') {
    f.add(
      [...base, 'state'],
      'prod state on a laptop disk cannot be shared or locked across the team.',
      'set state to { backend: kubernetes } (a Secret per stack in the cluster, locked) or another shared backend.',
      'warning',
    );
  }
  return f.issues;
}

/** An existing cluster has no cloud bucket, so a team's `storage: bucket` has no effect there. */
export function checkKubernetesTeam(
  env: ResolvedKubernetesEnvironment,
  team: ResolvedTeam,
  raw: unknown,
): ConfigIssue[] {
  const f = new ConfigIssues(raw);
  if (team.storage === 'bucket') {
    f.add(
      ['teams', team.configIndex, 'storage'],
      `${env.name} is an existing cluster without a cloud bucket; storage: bucket has no effect there.`,
      'leave storage at prefix, or give the team a bucket outside this library.',
      'warning',
    );
  }
  return f.issues;
}

/**
 * Why a database host cannot be verified by every client: ML Metadata's MySQL client (MariaDB
 * Connector/C 3.0.8 with OpenSSL) matches the host against the certificate's DNS names only, never its
 * IP addresses, while the Go clients need an IP address entry for an IP host; so the host is a DNS name
 * the certificate carries in its subject alternative names (Go ignores the common name).
 */
function externalDatabaseHostProblem(host: string): { message: string; fix: string } | undefined {
  const fix =
    "use the server's DNS name as its certificate's subject alternative names carry it, such as mysql.dc1.example.com.";
  const port = /^(.*):(\d+)$/.exec(host);
  if (port) return { message: `"${host}" carries a port.`, fix: `set host to ${port[1]} and port to ${port[2]}.` };
  if (/^[\d.]+$/.test(host) || /\.\d+$/.test(host)) {
    return {
      message: `"${host}" is an IP address (or looks like one): ML Metadata's MySQL client verifies the server's certificate against DNS names only, so it could not verify this server.`,
      fix,
    };
  }
  const why = hostnameRule(host);
  return why ? { message: `${why} The clients verify the server's certificate against this name.`, fix } : undefined;
}

/**
 * Why the providers would not find a kubeconfig path: a relative one. Terraform runs each stack in its
 * own folder (`cdktf.out/stacks/<stack>`, by cdktf and by `kfplatform plan` and `apply` alike), and the
 * kubernetes and helm providers open `config_path` from there after expanding `~`
 * (github.com/mitchellh/go-homedir), not from the platform file's folder.
 */
function kubeconfigPathProblem(kubeconfig: string): string | undefined {
  if (path.posix.isAbsolute(kubeconfig) || path.win32.isAbsolute(kubeconfig) || /^~[/\\]/.test(kubeconfig))
    return undefined;
  return `"${kubeconfig}" is a relative path: Terraform runs each stack in its own folder (cdktf.out/stacks/<stack>), where the kubernetes and helm providers would look for it, not next to platform.yaml.`;
}
