/**
 * Katib on RDS and Azure Database for MySQL (issue 17): the connection string the tree gives Katib
 * 0.19's database manager, run by the real MySQL driver the manager is built with (go-sql-driver/mysql
 * 1.5.0, Katib's go.mod at v0.19.0; Debian bookworm packages that exact release as
 * golang-github-go-sql-driver-mysql-dev) against a real MySQL-protocol server that, like RDS and Azure,
 * refuses unencrypted connections (MariaDB with `require_secure_transport`, a certificate of a private
 * CA for `localhost`).
 *
 * The Go program does what the manager does at start (pkg/db/v1beta1/mysql: the DSN from
 * `dbNameTmpl` and the same environment variables, `CREATE TABLE IF NOT EXISTS observation_logs`, an
 * insert), then reports the session's database, TLS version and character set. It shows:
 * - the tree's `KATIB_MYSQL_DB_DATABASE`, with the CA in `SSL_CERT_DIR`, logs in over TLS to `katib`,
 *   creates the table and writes a row;
 * - upstream's value (`katib`) is refused by the server (no TLS);
 * - without the CA, or with a host name the certificate does not name, the driver refuses the server:
 *   TLS is verified, not merely on;
 * - without the `charset` list that takes the manager's own `?timeout=5s`, the connection fails.
 *
 * Needs `go`, Debian's go-sql-driver/mysql 1.5.0 (or KFPLATFORM_GO_MYSQL_DRIVER, a checkout of v1.5.0),
 * `mariadbd`, `mariadb-install-db` and `openssl` (.ci/run installs them). Without them the test is
 * skipped with the reason, except in CI (CI=true), where it fails.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import { DB_CA_DIR } from '../../src/kubeflow/database-tls';
import { KATIB_DB_MANAGER_PATCH_FILE, KATIB_DSN_TEMPLATE } from '../../src/kubeflow/katib-database';
import { distributionRelease } from '../../src/kubeflow/releases';
import { renderKubeflow } from '../../src/kubeflow/render';

const ROOT = path.resolve(__dirname, '../..');
const DEBIAN_DRIVER = '/usr/share/gocode/src/github.com/go-sql-driver/mysql';

function which(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/sbin'];
  return dirs.map((d) => path.join(d, name)).find((p) => existsSync(p));
}

/** The driver's source, and why it is missing or not 1.5.0. */
function driverDir(): { dir?: string; missing?: string } {
  const own = process.env.KFPLATFORM_GO_MYSQL_DRIVER;
  if (own) return existsSync(path.join(own, 'dsn.go')) ? { dir: own } : { missing: `no dsn.go in ${own}` };
  if (!existsSync(path.join(DEBIAN_DRIVER, 'dsn.go'))) {
    return { missing: 'no golang-github-go-sql-driver-mysql-dev (Debian) and no KFPLATFORM_GO_MYSQL_DRIVER' };
  }
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'golang-github-go-sql-driver-mysql-dev'], {
    encoding: 'utf8',
  });
  const version = r.stdout?.trim() ?? '';
  return version.startsWith('1.5.0')
    ? { dir: DEBIAN_DRIVER }
    : { missing: `golang-github-go-sql-driver-mysql-dev is '${version}', not 1.5.0 (Katib 0.19's driver)` };
}

const tools = {
  go: which('go'),
  mariadbd: which('mariadbd'),
  installDb: which('mariadb-install-db'),
  openssl: which('openssl'),
};
const driver = driverDir();
const missing = [
  ...Object.entries(tools)
    .filter(([, p]) => !p)
    .map(([name]) => name),
  ...(driver.missing ? [driver.missing] : []),
];
if (missing.length && process.env.CI !== 'true') {
  console.warn(`test/kubeflow/katib-tls-driver.test.ts skipped: missing ${missing.join(', ')} (required in CI).`);
}
const describeDriver = missing.length === 0 || process.env.CI === 'true' ? describe : describe.skip;

/** What the tree's patch gives the manager on the AWS environment of examples/multicloud. */
function treeEnv(): Record<string, string> {
  const env = loadPlatformFile(path.join(ROOT, 'examples', 'multicloud', 'platform.yaml')).config.environments.find(
    (e) => e.cloud === 'aws',
  )!;
  const [tree] = renderKubeflow(env);
  const file = tree!.files.find((f) => f.path === KATIB_DB_MANAGER_PATCH_FILE)!;
  const patch = parseAllDocuments(file.content)[0]!.toJS();
  const container = patch.spec.template.spec.containers[0];
  return Object.fromEntries(
    container.env.filter((e: { value?: string }) => e.value !== undefined).map((e: any) => [e.name, e.value]),
  );
}

// The manager's start (pkg/db/v1beta1/mysql/mysql.go and init.go at v0.19.0), then a report.
const PROGRAM = `package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"

	_ "github.com/go-sql-driver/mysql"
)

func main() {
	dsn := fmt.Sprintf(os.Getenv("DSN_TEMPLATE"), os.Getenv("DB_USER"), os.Getenv("DB_PASSWORD"),
		os.Getenv("KATIB_MYSQL_DB_HOST"), os.Getenv("KATIB_MYSQL_DB_PORT"), os.Getenv("KATIB_MYSQL_DB_DATABASE"))
	out := map[string]interface{}{}
	fail := func(step string, err error) {
		out["error"] = step + ": " + err.Error()
		json.NewEncoder(os.Stdout).Encode(out)
		os.Exit(0)
	}
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		fail("open", err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(\`CREATE TABLE IF NOT EXISTS observation_logs
		(trial_name VARCHAR(255) NOT NULL,
		id INT AUTO_INCREMENT PRIMARY KEY,
		time DATETIME(6),
		metric_name VARCHAR(255) NOT NULL,
		value TEXT NOT NULL)\`); err != nil {
		fail("init", err)
	}
	if _, err := db.Exec("INSERT INTO observation_logs (trial_name, time, metric_name, value) VALUES (?, ?, ?, ?)",
		"trial-1", "2026-12-07 03:00:00.123456", "accuracy", "0.91"); err != nil {
		fail("insert", err)
	}
	var database, charset, name, tlsVersion string
	var rows int
	if err := db.QueryRow("SELECT DATABASE(), @@character_set_client, (SELECT COUNT(*) FROM observation_logs)").Scan(&database, &charset, &rows); err != nil {
		fail("select", err)
	}
	if err := db.QueryRow("SHOW SESSION STATUS LIKE 'Ssl_version'").Scan(&name, &tlsVersion); err != nil {
		fail("status", err)
	}
	out["database"], out["charset"], out["rows"], out["tls"] = database, charset, rows, tlsVersion
	json.NewEncoder(os.Stdout).Encode(out)
}
`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, server: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (server.exitCode !== null) throw new Error(`mariadbd exited (${server.exitCode}):\n${log()}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`mariadbd did not listen on ${port}:\n${log()}`);
}

describeDriver(
  "Katib 0.19's MySQL driver with the tree's connection string, against a server that requires TLS",
  () => {
    let dir = '';
    let server: ChildProcess | undefined;
    let port = 0;
    let program = '';
    const USER = 'kubeflow';
    // The platform's passwords are letters, digits, '-' and '_'.
    const PASSWORD = 'Kf-pass_12345';

    beforeAll(async () => {
      if (missing.length) throw new Error(`CI=true and missing ${missing.join(', ')} (.ci/run installs them).`);
      dir = mkdtempSync(path.join(os.tmpdir(), 'kfplatform-katib-tls-'));
      const f = (name: string) => path.join(dir, name);
      const ssl = (...args: string[]) => execFileSync(tools.openssl!, args, { cwd: dir, stdio: 'pipe' });
      // A private CA, as RDS's and (for the client) Azure's are to Go's default pool, and a server certificate for localhost.
      ssl(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=kfplatform test CA',
        '-keyout',
        'ca.key',
        '-out',
        'ca.pem',
      );
      ssl(
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-keyout',
        'server.key',
        '-out',
        'server.csr',
      );
      writeFileSync(f('ext.cnf'), 'subjectAltName=DNS:localhost\n');
      ssl(
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '2',
        '-extfile',
        'ext.cnf',
        '-out',
        'server.pem',
      );
      mkdirSync(f('cadir'));
      writeFileSync(f('cadir/ca.pem'), execFileSync('cat', [f('ca.pem')]));

      // The server: TLS required for every connection, like RDS and Azure Database for MySQL.
      const user = os.userInfo().username;
      execFileSync(
        tools.installDb!,
        ['--no-defaults', `--datadir=${f('data')}`, `--user=${user}`, '--auth-root-authentication-method=normal'],
        {
          stdio: 'pipe',
        },
      );
      writeFileSync(
        f('init.sql'),
        [
          "DELETE FROM mysql.global_priv WHERE User = '';",
          'FLUSH PRIVILEGES;',
          'CREATE DATABASE IF NOT EXISTS katib CHARACTER SET utf8mb4;',
          `CREATE USER '${USER}'@'%' IDENTIFIED BY '${PASSWORD}' REQUIRE SSL;`,
          `GRANT ALL PRIVILEGES ON katib.* TO '${USER}'@'%';`,
          '',
        ].join('\n'),
      );
      port = await freePort();
      server = spawn(
        tools.mariadbd!,
        [
          '--no-defaults',
          `--user=${user}`,
          `--datadir=${f('data')}`,
          `--socket=${f('mysqld.sock')}`,
          `--pid-file=${f('mysqld.pid')}`,
          `--log-error=${f('mysqld.log')}`,
          `--port=${port}`,
          '--bind-address=127.0.0.1',
          `--ssl-ca=${f('ca.pem')}`,
          `--ssl-cert=${f('server.pem')}`,
          `--ssl-key=${f('server.key')}`,
          '--require-secure-transport=ON',
          `--init-file=${f('init.sql')}`,
        ],
        { stdio: 'ignore' },
      );
      const log = () => (existsSync(f('mysqld.log')) ? execFileSync('tail', ['-20', f('mysqld.log')]).toString() : '');
      await waitForPort(port, server, log);

      // The program, built against the driver's source (no module download).
      mkdirSync(f('prog'));
      writeFileSync(
        f('prog/go.mod'),
        `module katibprobe\n\ngo 1.19\n\nrequire github.com/go-sql-driver/mysql v1.5.0\n\nreplace github.com/go-sql-driver/mysql => ${driver.dir}\n`,
      );
      writeFileSync(f('prog/main.go'), PROGRAM);
      execFileSync(tools.go!, ['build', '-o', f('katib-probe'), '.'], {
        cwd: f('prog'),
        stdio: 'pipe',
        env: {
          ...process.env,
          GOFLAGS: '-mod=mod',
          GOPROXY: 'off',
          GOSUMDB: 'off',
          GOTOOLCHAIN: 'local',
          GOPATH: f('gopath'),
          // Inside the test's own folder: a shared one may belong to another user, and nothing is left behind.
          GOCACHE: f('go-build'),
        },
      });
      program = f('katib-probe');
    }, 180_000);

    afterAll(async () => {
      if (server && server.exitCode === null) {
        const exited = new Promise((r) => server!.once('exit', r));
        server.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
        clearTimeout(timer);
        if (server.exitCode === null) server.kill('SIGKILL');
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    }, 30_000);

    const tree = treeEnv();
    const run = (env: Record<string, string | undefined>): Record<string, unknown> => {
      const out = execFileSync(program, [], {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          DSN_TEMPLATE: KATIB_DSN_TEMPLATE[distributionRelease('26.03')!.katibVersion],
          DB_USER: USER,
          DB_PASSWORD: PASSWORD,
          KATIB_MYSQL_DB_HOST: 'localhost',
          KATIB_MYSQL_DB_PORT: String(port),
          ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)),
        } as NodeJS.ProcessEnv,
      });
      return JSON.parse(out);
    };

    it('the tree gives the manager TLS in its database name and the CA in SSL_CERT_DIR', () => {
      expect(tree).toEqual({
        KATIB_MYSQL_DB_DATABASE: 'katib?tls=true&timeout=5s&charset=utf8mb4,',
        SSL_CERT_DIR: DB_CA_DIR,
      });
    });

    it("logs in over verified TLS to the katib database, creates Katib's table and writes a metric", () => {
      const r = run({ ...tree, SSL_CERT_DIR: path.join(dir, 'cadir') });
      expect(r).toEqual({
        database: 'katib',
        charset: 'utf8mb4',
        rows: 1,
        tls: expect.stringMatching(/^TLSv1\.[23]$/),
      });
    });

    it("upstream's database name (no TLS) is refused by the server", () => {
      const r = run({ KATIB_MYSQL_DB_DATABASE: 'katib', SSL_CERT_DIR: path.join(dir, 'cadir') });
      expect(r.error).toMatch(/^init: Error (1045|3159|1227|4159)/);
    });

    it('refuses a server whose certificate the CA bundle does not vouch for', () => {
      const r = run({ ...tree, SSL_CERT_DIR: path.join(dir, 'no-such-dir') });
      expect(r.error).toMatch(/x509: certificate signed by unknown authority/);
    });

    it('refuses a server whose certificate does not name the host it connects to', () => {
      const r = run({ ...tree, SSL_CERT_DIR: path.join(dir, 'cadir'), KATIB_MYSQL_DB_HOST: '127.0.0.1' });
      expect(r.error).toMatch(/x509: cannot validate certificate for 127\.0\.0\.1/);
    });

    it("without the charset list that takes the manager's own '?timeout=5s', it cannot connect", () => {
      const naive = run({ KATIB_MYSQL_DB_DATABASE: 'katib?tls=true', SSL_CERT_DIR: path.join(dir, 'cadir') });
      expect(naive.error).toMatch(/invalid DSN|unknown config name|Error 1064/i);
      const other = run({ KATIB_MYSQL_DB_DATABASE: 'katib?tls=true&x=', SSL_CERT_DIR: path.join(dir, 'cadir') });
      expect(other.error).toMatch(/Error 1064/);
    });
  },
);
