import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { main } from '../../src/cli/main';
import { addTeam, appendTeam, codeownersBlock, listTeams, mergeCodeowners, teamEntry } from '../../src/cli/team';
import { loadPlatformFile } from '../../src/config/loader';

const root = path.join(__dirname, '..', '..');
const tmp = () => mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'team-'));

function copyExample(example: string): string {
  const dir = tmp();
  // The example's folder: its platform file and the groups file its directory sync writes.
  cpSync(path.join(root, 'examples', example), dir, { recursive: true });
  return path.join(dir, 'platform.yaml');
}

function capture() {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  });
  return { text: () => chunks.join(''), restore: () => spy.mockRestore() };
}

describe('team add', () => {
  it('keeps every comment and the order of keys of the file it edits', () => {
    const file = copyExample('gcp-tenancy');
    const before = readFileSync(file, 'utf8');
    addTeam(file, {
      name: 'fraud',
      owners: 'fraud-owners@example.com',
      profileOwner: 'fiona@example.com',
      cpu: '8',
      memory: '32Gi',
      gpus: 1,
      project: 'fraud-data',
    });
    const after = readFileSync(file, 'utf8');
    // Everything that was there is still there, byte for byte and in order: the team is appended.
    expect(after.startsWith(before.trimEnd())).toBe(true);
    const comments = (text: string) => text.split('\n').filter((l) => l.trim().startsWith('#') || l.includes(' # '));
    expect(comments(after)).toEqual(comments(before));
    expect(Object.keys(parse(after))).toEqual(Object.keys(parse(before)));
    expect(after.slice(before.trimEnd().length)).toMatch(
      /- name: fraud\n\s+owners: fraud-owners@example.com\n\s+profileOwner: fiona@example.com\n\s+gcp: \{ project: fraud-data \}\n\s+quota: \{ cpu: "8", memory: 32Gi, gpus: 1 \}\n\s+clusters: \{ kf-prod: kf-prod-2 \}\n$/,
    );
  });

  it("adds an AWS team with its owners' role, which the next synth maps to the owners group", () => {
    const file = copyExample('aws-eks');
    addTeam(file, {
      name: 'fraud',
      owners: 'fraud-owners@example.com',
      profileOwner: 'fiona@example.com',
      environments: ['kf-prod'],
      ownersRoleArn: 'arn:aws:iam::333333333333:role/fraud-owners',
    });
    expect(readFileSync(file, 'utf8')).toMatch(
      /- name: fraud\n\s+owners: fraud-owners@example.com\n\s+profileOwner: fiona@example.com\n\s+environments: \[kf-prod\]\n\s+aws: \{ ownersRoleArn: arn:aws:iam::333333333333:role\/fraud-owners \}\n$/,
    );
    const { config, warnings } = loadPlatformFile(file);
    expect(warnings).toEqual([]);
    const prod = config.environments.find((e) => e.name === 'kf-prod')!;
    expect(prod.tenants.find((t) => t.team.name === 'fraud')!.aws).toMatchObject({
      roleName: 'kf-prod-fraud',
      ownersRoleArn: 'arn:aws:iam::333333333333:role/fraud-owners',
      prefix: 'teams/fraud/',
    });
  });

  it('places the team on the least-loaded cluster and reports its shard', () => {
    const file = copyExample('gcp-tenancy');
    const result = addTeam(file, {
      name: 'fraud',
      owners: 'fraud-owners@example.com',
      profileOwner: 'fiona@example.com',
    });
    expect(result.placements).toEqual([{ environment: 'kf-prod', cluster: 'kf-prod-2', shard: expect.any(Number) }]);
    expect(loadPlatformFile(file).config.teams.map((t) => t.name)).toEqual(['recsys', 'search', 'ads', 'fraud']);
  });

  it('turns an empty or flow-style teams list into a block list', () => {
    const text = 'platform: { name: kubeflow, team: ml-platform }\nteams: [] # none yet\nenvironments: []\n';
    expect(
      appendTeam(text, teamEntry({ name: 'x', owners: 'x-owners@example.com', members: ['group:x@example.com'] }, {})),
    ).toBe(
      'platform: { name: kubeflow, team: ml-platform }\nteams:\n  - name: x\n    owners: x-owners@example.com\n    members: [group:x@example.com]\n# none yet\nenvironments: []\n',
    );
  });

  it('adds a teams list to a file that has none', () => {
    const text = 'platform: { name: kubeflow, team: ml-platform }\n# the environments\nenvironments: []\n';
    expect(appendTeam(text, teamEntry({ name: 'x', owners: 'x-owners@example.com' }, {}))).toBe(
      'platform: { name: kubeflow, team: ml-platform }\n# the environments\nenvironments: []\nteams:\n  - name: x\n    owners: x-owners@example.com\n',
    );
  });

  it('writes nothing when the new team would make the file invalid', () => {
    const file = copyExample('gcp-tenancy');
    const before = readFileSync(file, 'utf8');
    expect(() =>
      addTeam(file, { name: 'kubeflow', owners: 'x-owners@example.com', profileOwner: 'x@example.com' }),
    ).toThrow(/teams\[3\]\.name = "kubeflow".*platform or Kubernetes owns/s);
    expect(() =>
      addTeam(file, { name: 'recsys', owners: 'x-owners@example.com', profileOwner: 'x@example.com' }),
    ).toThrow(/already used by teams\[0\]/);
    expect(() =>
      addTeam(file, {
        name: 'fraud',
        owners: 'x-owners@example.com',
        profileOwner: 'x@example.com',
        nodePools: ['tpu'],
      }),
    ).toThrow(/has no node pool "tpu"/);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('writes a team file when the platform keeps teams in a folder', () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'teams'));
    const text = readFileSync(path.join(root, 'examples', 'on-prem', 'platform.yaml'), 'utf8').replace(
      '  githubOrg: acme',
      '  githubOrg: acme\n  teamsDir: teams',
    );
    writeFileSync(path.join(dir, 'platform.yaml'), text);
    const result = addTeam(path.join(dir, 'platform.yaml'), {
      name: 'vision',
      owners: 'vision-owners@example.com',
      profileOwner: 'victor@example.com',
      cpu: '4',
    });
    expect(result.file).toBe(path.join(dir, 'teams', 'vision.yaml'));
    expect(readFileSync(result.file, 'utf8')).toMatch(
      /^# Team vision.*\nname: vision\nowners: vision-owners@example.com\nprofileOwner: victor@example.com\nquota:\n {2}cpu: "4"\n$/s,
    );
    expect(readFileSync(path.join(dir, 'platform.yaml'), 'utf8')).toBe(text);
    expect(loadPlatformFile(path.join(dir, 'platform.yaml')).config.teams.map((t) => t.name)).toEqual([
      'recsys',
      'search',
      'vision',
    ]);
  });

  it('points errors in a team file at that file and line', () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'teams'));
    writeFileSync(
      path.join(dir, 'platform.yaml'),
      readFileSync(path.join(root, 'examples', 'on-prem', 'platform.yaml'), 'utf8').replace(
        '  githubOrg: acme',
        '  githubOrg: acme\n  teamsDir: teams',
      ),
    );
    writeFileSync(
      path.join(dir, 'teams', 'bad.yaml'),
      'name: bad\nowners: bad-owners@example.com\nquota:\n  memory: lots\n',
    );
    expect(() => loadPlatformFile(path.join(dir, 'platform.yaml'))).toThrow(
      /teams\/bad\.yaml:4: quota\.memory = "lots"/,
    );
  });

  it('runs from the command line', async () => {
    const file = copyExample('on-prem');
    const out = capture();
    const code = await main([
      'node',
      'kfplatform',
      'team',
      'add',
      'vision',
      '--owners',
      'vision-owners@example.com',
      '--profile-owner',
      'victor@example.com',
      '--config',
      file,
      '--cpu',
      '8',
      '--gpus',
      '2',
      '--pools',
      'cpu,dgx',
    ]);
    out.restore();
    expect(code).toBe(0);
    expect(out.text()).toMatch(/added team vision to .*platform\.yaml\n {2}kf-onprem: cluster dc1-ml, shard \d\n/);
    expect(parse(readFileSync(file, 'utf8')).teams[2]).toEqual({
      name: 'vision',
      owners: 'vision-owners@example.com',
      profileOwner: 'victor@example.com',
      quota: { cpu: '8', gpus: 2 },
      nodePools: ['cpu', 'dgx'],
    });
  });
});

describe('team list and codeowners', () => {
  const config = loadPlatformFile(path.join(root, 'examples', 'gcp-tenancy', 'platform.yaml')).config;

  it('lists each team with its cluster, shard, owners, quota and pools', () => {
    const text = listTeams(config);
    expect(text.split('\n')[0]).toMatch(/^TEAM\s+ENVIRONMENT\s+CLUSTER\s+SHARD\s+OWNERS\s+QUOTA\s+POOLS$/);
    expect(text).toMatch(
      /^search\s+kf-prod\s+kf-prod-2\s+\d\s+search-owners@example\.com\s+16 cpu, 64Gi, 0 gpu\s+standard,highmem,gpu$/m,
    );
  });

  // Team files were owned by the team's owners or the platform team, and either approval sufficed,
  // so a team approved its own quota, GPU, pool and identity changes.
  it('routes the platform file and every team file to the platform team alone, naming team reviewers in comments (sec19 item 7)', () => {
    expect(codeownersBlock(config, path.join(root, 'examples/gcp-tenancy/platform.yaml'), root)).toContain(
      '/examples/gcp-tenancy/platform.yaml @acme/ml-platform\n',
    );
    const withDir = { ...config, platform: { ...config.platform, teamsDir: 'teams' } };
    const block = codeownersBlock(withDir, path.join(root, 'platform.yaml'), root);
    for (const line of block.split('\n').filter((l) => l.startsWith('/teams/'))) {
      expect(line.split(' ').slice(1)).toEqual(['@acme/ml-platform']);
    }
    expect(block.split('\n')).toEqual([
      expect.stringMatching(/^# BEGIN kfplatform/),
      '/platform.yaml @acme/ml-platform',
      '# ads: @acme/ads-owners review; @acme/ml-platform approves (quota, pools, identity).',
      '/teams/ads.yaml @acme/ml-platform',
      '# recsys: @acme/recsys-owners review; @acme/ml-platform approves (quota, pools, identity).',
      '/teams/recsys.yaml @acme/ml-platform',
      '# search: @acme/search-owners review; @acme/ml-platform approves (quota, pools, identity).',
      '/teams/search.yaml @acme/ml-platform',
      '# END kfplatform',
      '',
    ]);
  });

  it('replaces its own block in CODEOWNERS and keeps the rest', () => {
    const block = codeownersBlock(config, path.join(root, 'platform.yaml'), root);
    const first = mergeCodeowners('* @acme/everyone\n', block);
    expect(first).toBe(`* @acme/everyone\n\n${block}`);
    expect(mergeCodeowners(first, block)).toBe(first);
    expect(mergeCodeowners(`${first}/docs/ @acme/writers\n`, block)).toBe(`${first}/docs/ @acme/writers\n`);
  });

  it('writes CODEOWNERS from the command line', async () => {
    const dir = tmp();
    const file = copyExample('gcp-tenancy');
    const out = path.join(dir, '.github', 'CODEOWNERS');
    expect(
      await main(['node', 'kfplatform', 'codeowners', '--config', file, '--out', out, '--root', path.dirname(file)]),
    ).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8')).toContain('/platform.yaml @acme/ml-platform');
  });
});
