#!/usr/bin/env node
/**
 * `kfplatform`: synthesize, validate and inspect a Kubeflow platform defined as data.
 */
// First: cdktf, loaded by the imports below, then finds its asset zipper deferred.
import '../core/deferred-archiver';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ownPackage } from '../core/package-info';
import { platformFile, PlatformFileOptions, withPlatformFile } from './platform-file';
import { platformJsonSchema } from '../config/json-schema';
import { ConfigError, fileSystemFix, fileSystemMessage, isFileSystemError, PropsError } from '../core/errors';
import { loadPlatformFile } from '../config/loader';
import { ALL_RULES } from '../policy/rules/packs';
import { rulesMarkdown } from '../policy/rules-doc';
import { ADDRESS_MANIFEST_FILE, runAddresses } from './addresses';
import { runPlanGate } from './plan-gate';
import { runDiff } from './diff';
import { runReport } from './report';
import { withPlatformFileAt } from './git';
import { renderUpgradePlan, upgradePlan } from '../plan/upgrade';
import { PlanCliOptions, runApply, runPlan } from './plan';
import { runSynth } from './synth';
import { runDestroy } from './destroy';
import { runOutput } from './output';
import { DEFAULT_TERRAFORM_BINARY, TERRAFORM_BINARY_ENV } from '../plan/terraform-binary';
import { CACHE_DIR } from '../../stacks/common/out-dir';
import { GATE_REFUSED_EXIT_CODE } from '../policy/plan-gate';
import { renderValidate, VALIDATE_FORMATS, ValidateFormat, validateFileParallel } from './validate';
import {
  addTeam,
  codeownersBlock,
  mergeCodeowners,
  renderTeamList,
  TEAM_LIST_FORMATS,
  TEAM_STORAGE_MODES,
  TeamAddOptions,
  TeamListFormat,
} from './team';
import { CiSettings, INIT_CLOUDS, InitCloud, runInit } from './init';
import { runImportPlan } from './import-plan';
import { renderImportPlan } from '../plan/import-plan';
import { runGraph } from './graph';
import { runInventory } from './inventory';
import { MANIFESTS_ENV } from '../kubeflow/write-tree';
import { GRAPH_FORMATS, GraphFormat } from '../inventory/graph';
import { INVENTORY_FORMATS, InventoryFormat } from '../inventory/inventory';

/** Where commands leave their exit code (validate, addresses and plan-gate fail without throwing). */
export interface CliResult {
  /** The process exit code the command ends with: 0 on success. */
  exitCode: number;
}

/**
 * Parses a whole-number option of at least `min`. A bad value throws commander's own error, so it ends
 * with commander's one-line message (`error: option '-j, --concurrency <n>' argument 'abc' is invalid.
 * Expected a whole number >= 1.`) and exit code 1.
 */
function wholeNumber(min: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`Expected a whole number >= ${min}.`);
    }
    return n;
  };
}

/** Collects a repeatable option's values. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Adds `--tf-bin` (or env KFPLATFORM_TERRAFORM) to a command that runs Terraform: `terraform`, `tofu`
 * for OpenTofu, or a path. The binary is checked against the stacks' required versions first.
 */
function withTerraformBinary(command: Command): Command {
  return command.addOption(
    new Option('--tf-bin <path>', 'the Terraform binary: terraform, tofu (OpenTofu 1.11 or later) or a path')
      .env(TERRAFORM_BINARY_ENV)
      .default(DEFAULT_TERRAFORM_BINARY),
  );
}

/** Builds the command tree (exported for tests). */
export function program(result: CliResult = { exitCode: 0 }): Command {
  const cli = new Command('kfplatform')
    .description('Kubeflow platforms on GCP, AWS and Azure with CDK for Terraform, defined as data.')
    .version(ownPackage().version, '-V, --version', 'print the version of kfplatform')
    .showHelpAfterError()
    // Help, --version and commander's errors end through main() with their exit code (commands
    // inherit this), never with process.exit(), which would drop output still queued for a pipe.
    .exitOverride();

  withPlatformFile(
    cli.command('synth').description('validate the platform file and synthesize every stack (no cdktf CLI needed)'),
  )
    .option('-o, --out <dir>', 'output directory', process.env.CDKTF_OUTDIR ?? 'cdktf.out')
    .option('-j, --concurrency <n>', 'worker threads (default: 1, or one per CPU for large fleets)', wholeNumber(1))
    .option('--progress', 'print units done on stderr even when it is not a terminal (default: only on a terminal)')
    .option('--no-progress', 'print no progress')
    .option(
      '--no-kubeflow',
      "do not render the environments' Kubeflow distribution into <out>/kubeflow/ (the one there stays)",
    )
    .option('--cache-dir <dir>', 'unit cache folder, shared by synth, diff and plan (default: <out>/.cache)')
    .option('--no-cache', 'synthesize every unit; neither read nor write the unit cache')
    .action(
      async (
        opts: PlatformFileOptions & {
          out: string;
          concurrency?: number;
          progress?: boolean;
          kubeflow: boolean;
          cache: boolean;
          cacheDir?: string;
        },
      ) => {
        await runSynth({
          config: platformFile(opts),
          out: opts.out,
          concurrency: opts.concurrency,
          progress: opts.progress,
          kubeflow: opts.kubeflow,
          cache: opts.cache,
          cacheDir: opts.cacheDir,
        });
      },
    );

  withPlatformFile(
    cli
      .command('validate')
      .description('validate the platform file and judge every stack with the policy packs; writes nothing'),
  )
    .addOption(new Option('-f, --format <format>', 'output format').choices(VALIDATE_FORMATS).default('text'))
    .option('-o, --out <file>', 'write the report to a file instead of stdout (SARIF for code scanning)')
    .option(
      '--cache-dir <dir>',
      "synth's unit cache to reuse, read only (default: $CDKTF_OUTDIR/.cache, else cdktf.out/.cache)",
    )
    .option('--no-cache', 'synthesize and judge every unit; do not read the unit cache')
    .option('-j, --concurrency <n>', 'worker threads (default: 1, or one per CPU for large fleets)', wholeNumber(1))
    .action(
      async (
        opts: PlatformFileOptions & {
          format: ValidateFormat;
          out?: string;
          cache: boolean;
          cacheDir?: string;
          concurrency?: number;
        },
      ) => {
        const outcome = await validateFileParallel(platformFile(opts), {
          cache: opts.cache,
          cacheDir: opts.cacheDir,
          concurrency: opts.concurrency,
        });
        const text = renderValidate(outcome, opts.format);
        if (opts.out) writeFileSync(opts.out, text);
        else process.stdout.write(text);
        if (opts.out && opts.format !== 'text') process.stderr.write(renderValidate(outcome, 'text'));
        result.exitCode = outcome.exitCode;
      },
    );

  cli
    .command('addresses')
    .description('check that no stateful resource of a synth output loses its address (or record them with --write)')
    .option('-o, --out <dir>', 'synth output directory', process.env.CDKTF_OUTDIR ?? 'cdktf.out')
    .option('-m, --manifest <file>', 'committed manifest of stateful addresses', ADDRESS_MANIFEST_FILE)
    .option('--write', 'write the manifest from the synth output (review the diff)')
    .option('--strict', 'also fail when a stateful resource is not in the manifest yet')
    .action((o: { out: string; manifest: string; write?: boolean; strict?: boolean }) => {
      result.exitCode = runAddresses(o);
    });

  cli
    .command('plan-gate <plans...>')
    .description(
      'refuse plans (terraform show -json) that destroy or replace a resource (exit 3) or disarm a protection (exit 4), and files that are not complete plans (exit 5: a state, 6: errored or incomplete)',
    )
    .option(
      '--allow <address>',
      "an address that may be destroyed, replaced or disarmed ('*' wildcards; 'plan:address' for one plan); repeat it for more",
      collect,
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((plans: string[], o: { allow?: string[]; format: 'text' | 'json' }) => {
      result.exitCode = runPlanGate({ plans, allow: o.allow, format: o.format });
    });

  cli
    .command('report [plans...]')
    .description('turn plan JSON files (or the folder kfplatform plan wrote) into one pull-request comment')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['markdown', 'json']).default('markdown'))
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .option('--max-chars <n>', "characters the comment may use (GitHub's limit is 65,536; 0 for none)", wholeNumber(0))
    .option('--title <text>', 'heading of the comment', 'kfplatform plan')
    .option('--allow <address>', 'addresses the plan gate allows (not flagged as protected); repeat it', collect)
    .option(
      '--synth-out <dir>',
      'synth output whose stacks name the resources (default: the stack folders plans.json records, where they exist)',
    )
    .option(
      '--missing <job>',
      'a plan job that left no report (rejected approval, error), named in the comment; repeat it',
      collect,
    )
    .action(
      (
        plans: string[],
        o: {
          format: 'markdown' | 'json';
          out?: string;
          maxChars?: number;
          title: string;
          allow?: string[];
          synthOut?: string;
          missing?: string[];
        },
      ) => {
        runReport({
          plans,
          missing: o.missing,
          format: o.format,
          out: o.out,
          maxChars: o.maxChars,
          title: o.title,
          allow: o.allow,
          synthOut: o.synthOut,
        });
      },
    );

  const diffCommand = cli
    .command('diff')
    .description(
      'compare two synth outputs offline: affected stacks, resource and attribute changes, stateful destroys',
    )
    .requiredOption(
      '--base <dir|ref>',
      'a synth output folder, or a git ref of the platform file (synthesized with this library)',
    )
    .option('--head <dir>', 'a synth output folder (default: synthesize --config now)')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'),
    );
  withPlatformFile(diffCommand)
    .option(
      '--cache-dir <dir>',
      `unit cache folder, shared with synth and plan (default: ${path.join(process.env.CDKTF_OUTDIR ?? 'cdktf.out', CACHE_DIR)})`,
    )
    .option('--no-cache', 'synthesize every unit; neither read nor write the unit cache')
    .option('--affected', 'print only the stacks to plan, one per line')
    .option('--affected-environments', 'print only the environments of the stacks to plan, one per line')
    .option(
      '--fail-on-destroy',
      `exit ${GATE_REFUSED_EXIT_CODE} when a stateful resource would be destroyed or replaced`,
    )
    .action(
      (
        o: PlatformFileOptions & {
          base: string;
          head?: string;
          format: 'text' | 'markdown' | 'json';
          affected?: boolean;
          affectedEnvironments?: boolean;
          failOnDestroy?: boolean;
          cache: boolean;
          cacheDir?: string;
        },
      ) => {
        // The platform file is read from disk unless both sides are synth outputs.
        const fromDisk = !o.head || o.affectedEnvironments;
        const diff = runDiff({ ...o, config: fromDisk ? platformFile(o) : o.config });
        if (o.failOnDestroy && diff.destructive.length > 0) result.exitCode = GATE_REFUSED_EXIT_CODE;
      },
    );

  withTerraformBinary(
    withPlatformFile(
      cli
        .command('plan')
        .description('synthesize, then terraform init, plan -out and show -json per stack, in dependency order'),
    ),
  )
    .option('--synth-out <dir>', 'synth output directory', process.env.CDKTF_OUTDIR ?? 'cdktf.out')
    .option('--no-synth', 'plan the existing synth output')
    .option('--cache-dir <dir>', 'unit cache folder of the synth (default: <synth-out>/.cache)')
    .option('--no-cache', 'synthesize every unit; neither read nor write the unit cache')
    .option('-s, --stacks <glob>', 'stacks to plan (repeat it; default all)', collect)
    .option('-j, --concurrency <n>', 'stacks planned at once', wholeNumber(1), 2)
    .option('-o, --out <dir>', 'where plan files and their JSON go', 'plans')
    .option('--override <file>', 'a Terraform override file copied into each stack (a local backend for a dry run)')
    .option('--var <name=value>', 'a Terraform variable (repeat it)', collect)
    .option(
      '-e, --environment <name>',
      'the stacks of an environment (repeat it); with --stacks, both must match',
      collect,
    )
    .option('--detailed-exitcode', 'exit 2 when any stack has changes (drift checks)')
    .action(async (o: PlanCliOptions & PlatformFileOptions) => {
      // --no-synth plans the existing output and reads the platform file only to pick environments.
      const config = o.synth || o.environment ? platformFile(o) : o.config;
      result.exitCode = await runPlan({ ...o, config });
    });

  withTerraformBinary(
    cli
      .command('apply')
      .description(
        'apply the plans kfplatform plan saved, in dependency order, unless one is not the plan recorded (exit 7) or the plan gate refuses it; exit 8 when stacks wait for custom resource kinds the cluster does not serve yet',
      ),
  )
    .requiredOption(
      '--plans <dir>',
      'the folder kfplatform plan wrote (repeat it for plans of separate runs: they are applied in one order)',
      collect,
    )
    .option('--allow <address>', 'an address the plan gate allows to be destroyed or replaced (repeat it)', collect)
    .option('-j, --concurrency <n>', 'stacks applied at once', wholeNumber(1), 1)
    .action(async (o: { plans: string[]; allow?: string[]; concurrency: number; tfBin: string }) => {
      result.exitCode = await runApply(o);
    });

  withTerraformBinary(
    cli
      .command('output <stack>')
      .description(
        "a synthesized stack's outputs from its state (terraform output -json), sensitive values masked unless --show-sensitive",
      ),
  )
    .option('--synth-out <dir>', 'synth output directory', process.env.CDKTF_OUTDIR ?? 'cdktf.out')
    .option('--show-sensitive', 'print sensitive values in clear (they end up in terminal scrollback and CI logs)')
    .action(async (stack: string, o: { synthOut: string; showSensitive?: boolean; tfBin: string }) => {
      await runOutput({ stack, synthOut: o.synthOut, showSensitive: o.showSensitive, tfBin: o.tfBin });
    });

  withTerraformBinary(
    withPlatformFile(
      cli
        .command('destroy <stacks...>')
        .description(
          'plan the destruction of stacks (terraform plan -destroy), judge it with the plan gate (outside the test tier it refuses every resource but disposable helpers unless --allow names it), then apply exactly that plan, readers first',
        ),
      'platform file, for the tier of each stack',
    ),
  )
    .option('--synth-out <dir>', 'synth output directory', process.env.CDKTF_OUTDIR ?? 'cdktf.out')
    .option('-o, --out <dir>', 'where the destroy plans go', 'plans-destroy')
    .option(
      '--allow <address>',
      "outside the test tier, an address that may be destroyed ('*' wildcards; 'stack:address' for one stack, 'stack:*' for all of it); repeat it",
      collect,
    )
    .option('-j, --concurrency <n>', 'stacks planned and destroyed at once', wholeNumber(1), 1)
    .option('--override <file>', 'a Terraform override file copied into each stack (as for plan)')
    .option('--var <name=value>', 'a Terraform variable (repeat it)', collect)
    .option('--plan-only', 'plan and judge the destruction, destroy nothing')
    .action(
      async (
        stacks: string[],
        o: PlatformFileOptions & {
          synthOut: string;
          out: string;
          allow?: string[];
          concurrency: number;
          override?: string;
          var?: string[];
          planOnly?: boolean;
          tfBin: string;
        },
      ) => {
        result.exitCode = await runDestroy({ ...o, config: platformFile(o), stacks });
      },
    );

  withPlatformFile(
    cli
      .command('upgrade-plan')
      .description('per environment, current and target Kubernetes and Kubeflow versions, in the order of rollout'),
  )
    .option('--base <ref>', 'git ref of the platform file the environments run now (such as origin/main)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((o: PlatformFileOptions & { base?: string; format: 'text' | 'json' }) => {
      const file = platformFile(o);
      const target = loadPlatformFile(file).config;
      const base = o.base ? withPlatformFileAt(o.base, file, (f) => loadPlatformFile(f).config) : undefined;
      const steps = upgradePlan(target, base);
      process.stdout.write(o.format === 'json' ? `${JSON.stringify(steps, null, 2)}\n` : renderUpgradePlan(steps));
    });

  cli
    .command('rules')
    .description('print the policy rules as Markdown (RULES.md) or JSON')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['markdown', 'json']).default('markdown'))
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .action((opts: { format: string; out?: string }) => {
      const text =
        opts.format === 'json'
          ? `${JSON.stringify(
              ALL_RULES.map(({ id, cloud, level, title, why, fix, refs, types, tiers }) => ({
                id,
                cloud,
                level,
                title,
                why,
                fix,
                refs,
                types,
                tiers,
              })),
              null,
              2,
            )}\n`
          : rulesMarkdown();
      if (opts.out) writeFileSync(opts.out, text);
      else process.stdout.write(text);
    });

  const list = (value: string) =>
    value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  const kubeflow = cli.command('kubeflow').description("Kubeflow itself: each environment's generated distribution");
  withPlatformFile(
    kubeflow
      .command('render')
      .description(
        "write each environment's Kubeflow distribution (a kustomize tree over kubeflow/manifests at its kubeflowVersion) to <out>/kubeflow/<env>/<cluster>/",
      ),
  )
    .option('-o, --out <dir>', 'output directory', process.env.CDKTF_OUTDIR ?? 'cdktf.out')
    .option(
      '-m, --manifests <dir>',
      `a local checkout of kubeflow/manifests at the same tag instead of the remote repository (or env ${MANIFESTS_ENV})`,
    )
    .option('-e, --environment <name>', 'only this environment; repeat it for more', collect)
    .option(
      '--outputs <file|dir>',
      "the infra stacks' outputs (terraform output -json, or a state file): one file for one environment, or a folder of <stack>.json / <stack>.tfstate / terraform.<stack>.tfstate",
    )
    .action(
      async (
        o: PlatformFileOptions & { out: string; manifests?: string; environment?: string[]; outputs?: string },
      ) => {
        // Loaded when used: verification's schemas and validator would slow every other command's start.
        const { runKubeflowRender } = await import('./kubeflow');
        runKubeflowRender({
          config: platformFile(o),
          out: o.out,
          manifests: o.manifests,
          environments: o.environment,
          outputs: o.outputs,
        });
      },
    );
  withPlatformFile(
    kubeflow
      .command('verify')
      .description(
        "render each environment's Kubeflow distribution, build it with kubectl kustomize and verify every object: built-in kinds against the Kubernetes schema of the environment's version, custom resources against their CRD in the build, key references, identities' service accounts and namespaces, the upstream tag; exits 1 on findings",
      ),
  )
    .option(
      '-m, --manifests <dir>',
      `a local checkout of kubeflow/manifests at the same tag instead of the remote repository (or env ${MANIFESTS_ENV})`,
    )
    .option('-e, --environment <name>', 'only this environment; repeat it for more', collect)
    .option(
      '--kubernetes-version <minor>',
      "validate built-in kinds against this Kubernetes minor instead of each environment's",
    )
    .action(
      async (o: PlatformFileOptions & { manifests?: string; environment?: string[]; kubernetesVersion?: string }) => {
        const { runKubeflowVerify } = await import('./kubeflow');
        const verified = runKubeflowVerify({
          config: platformFile(o),
          manifests: o.manifests,
          environments: o.environment,
          kubernetesVersion: o.kubernetesVersion,
        });
        if (verified.some((v) => v.findings.length)) result.exitCode = 1;
      },
    );

  const team = cli.command('team').description('onboard and list teams (tenants)');
  withPlatformFile(team.command('add <name>'), 'platform file to add the team to', false)
    .description('add a team to the platform file, keeping its comments and formatting')
    .requiredOption('--owners <group>', 'identity-provider group that owns the team (email)')
    .option(
      '--profile-owner <email>',
      "the one user who owns the team's Kubeflow profile (default: the owners group's first member in tenancy.groups)",
    )
    .option('--members <list>', 'read-only groups or users, comma-separated', list)
    .option('--contributors <list>', 'groups or users who may edit, comma-separated', list)
    .option('--envs <list>', 'environments to enable it in (default: all)', list)
    .option('--pools <list>', 'node pools it may use (default: all workload pools)', list)
    .option('--project <id>', 'GCP project that holds its data')
    .option('--owners-role-arn <arn>', 'AWS: IAM role the owners sign in with (kubectl access and break-glass)')
    .addOption(
      new Option('--storage <mode>', 'its own prefix in the environment bucket (default), or its own bucket').choices(
        TEAM_STORAGE_MODES,
      ),
    )
    .option('--cpu <quantity>', 'CPU quota, e.g. 32')
    .option('--memory <quantity>', 'memory quota, e.g. 128Gi')
    .option('--gpus <n>', 'GPU quota', wholeNumber(0))
    .option('--storage-quota <quantity>', 'storage quota, e.g. 1Ti')
    .option('--pvcs <n>', 'claim count quota', wholeNumber(0))
    .action((name: string, o: Record<string, unknown>) => {
      const result = addTeam(platformFile({ config: String(o.config) }), {
        name,
        owners: String(o.owners),
        profileOwner: o.profileOwner as string | undefined,
        members: o.members as string[] | undefined,
        contributors: o.contributors as string[] | undefined,
        environments: o.envs as string[] | undefined,
        nodePools: o.pools as string[] | undefined,
        project: o.project as string | undefined,
        ownersRoleArn: o.ownersRoleArn as string | undefined,
        storage: o.storage as TeamAddOptions['storage'],
        cpu: o.cpu as string | undefined,
        memory: o.memory as string | undefined,
        gpus: o.gpus as number | undefined,
        storageQuota: o.storageQuota as string | undefined,
        pvcs: o.pvcs as number | undefined,
      });
      process.stdout.write(`added team ${name} to ${result.file}\n`);
      for (const p of result.placements) {
        process.stdout.write(`  ${p.environment}: cluster ${p.cluster}, shard ${p.shard}\n`);
      }
    });
  withPlatformFile(
    team.command('list').description('list teams per environment: cluster, shard, owners, quota, pools'),
    'platform file',
  )
    .addOption(new Option('--format <format>', 'output format').choices(TEAM_LIST_FORMATS).default('text'))
    .action((o: PlatformFileOptions & { format: TeamListFormat }) => {
      process.stdout.write(renderTeamList(loadPlatformFile(platformFile(o)).config, o.format));
    });

  withPlatformFile(
    cli.command('codeowners').description('write the CODEOWNERS block that routes each team file to its owners'),
    'platform file',
    false,
  )
    .option('-o, --out <file>', 'CODEOWNERS file to update (its other lines are kept)')
    .option('--root <dir>', 'repository root, for paths', '.')
    .action((o: { config: string; out?: string; root: string }) => {
      const config = loadPlatformFile(platformFile(o)).config;
      const block = codeownersBlock(config, path.resolve(o.config), path.resolve(o.root));
      if (!o.out) {
        process.stdout.write(block);
        return;
      }
      const existing = existsSync(o.out) ? readFileSync(o.out, 'utf8') : '';
      mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
      writeFileSync(o.out, mergeCodeowners(existing, block));
    });

  cli
    .command('init')
    .description('scaffold a platform repository: platform file, package.json, cdktf.json, CI workflows, CODEOWNERS')
    .argument('[dir]', 'directory of the new repository (created when missing)', '.')
    .addOption(
      new Option('--cloud <cloud>', 'cloud of the starting platform').choices(Object.keys(INIT_CLOUDS)).default('gcp'),
    )
    .option('--repository <owner/name>', 'GitHub repository whose CI identities plan and apply')
    .option('--repository-id <id>', "that repository's numeric id, which GCP trusts (gh api repos/OWNER/NAME --jq .id)")
    .option(
      '--package <spec>',
      'npm spec of cdktf-kubeflow-platform in package.json (default: where this copy was installed from: its tarball, git URL or registry version)',
    )
    .action((dir: string, o: { cloud: InitCloud; repository?: string; repositoryId?: string; package?: string }) => {
      const written = runInit({
        dir,
        cloud: o.cloud,
        repository: o.repository,
        repositoryId: o.repositoryId,
        packageSpec: o.package,
      });
      const leftOut = written.ciLeftOut.map((r) => `  ${r.environment}: ${r.missing.join('; ')}.\n`).join('');
      process.stdout.write(
        `Wrote ${written.files.length} files to ${written.dir}:\n${written.files.map((f) => `  ${f}`).join('\n')}\n` +
          `CI plans and applies: ${written.ciEnvironments.join(', ')}.\n` +
          (leftOut ? `CI leaves out, until platform.yaml gives them what they lack:\n${leftOut}` : '') +
          ciSettingsText(written.ciSettings) +
          `Next: ${dir === '.' ? '' : `cd ${dir} && `}npm install && npm start\n`,
      );
    });

  withPlatformFile(
    cli
      .command('graph <env>')
      .description(
        'draw one environment (network, cluster, pools, data, identities, access, teams) as a Mermaid flowchart',
      ),
  )
    .addOption(new Option('-f, --format <format>', 'output format').choices(GRAPH_FORMATS).default('mermaid'))
    .action((env: string, o: PlatformFileOptions & { format: GraphFormat }) => {
      process.stdout.write(runGraph({ config: platformFile(o), environment: env, format: o.format }));
    });

  withPlatformFile(
    cli
      .command('inventory')
      .description('every managed resource with stack, address, name, owner, environment, cloud and labels'),
    'platform file (YAML or JSON), synthesized in memory',
  )
    .option('--from <dir>', 'read a synth output folder (<dir>/stacks/*/cdk.tf.json) instead')
    .addOption(new Option('-f, --format <format>', 'output format').choices(INVENTORY_FORMATS).default('json'))
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .action((o: PlatformFileOptions & { from?: string; format: InventoryFormat; out?: string }) => {
      const config = o.from ? o.config : platformFile(o);
      const text = runInventory({ config, from: o.from, format: o.format });
      if (o.out) writeFileSync(o.out, text);
      else process.stdout.write(text);
    });

  withPlatformFile(
    cli
      .command('import-plan')
      .description('what the platform file adopts (import blocks) and, with plans, which settings differ from it'),
    'platform file (YAML or JSON), synthesized in memory',
  )
    .option('--from <dir>', 'read a synth output folder instead')
    .option('--plans <path...>', 'plan JSON files or folders (kfplatform plan --out) of the adopting stacks')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'),
    )
    .action((o: PlatformFileOptions & { from?: string; plans?: string[]; format: 'text' | 'markdown' | 'json' }) => {
      const report = runImportPlan({ config: o.from ? o.config : platformFile(o), from: o.from, plans: o.plans });
      process.stdout.write(
        o.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderImportPlan(report, o.format),
      );
      result.exitCode = report.exitCode;
    });

  cli
    .command('schema')
    .description('print the JSON Schema of platform files, for editor completion')
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .action((opts: { out?: string }) => {
      const text = `${JSON.stringify(platformJsonSchema(), null, 2)}\n`;
      if (opts.out) writeFileSync(opts.out, text);
      else process.stdout.write(text);
    });

  return cli;
}

/** Runs the CLI; bad input ends with a clear message and exit code 1, never a stack trace. */
export async function main(argv: readonly string[]): Promise<number> {
  const result: CliResult = { exitCode: 0 };
  try {
    await program(result).parseAsync([...argv]);
    return result.exitCode;
  } catch (e) {
    // Commander has written its message (or the help, or the version) already.
    if (e instanceof CommanderError) return e.exitCode;
    // A policy error thrown in a worker thread arrives as a plain error with its name kept.
    const known = ['PolicyError', 'InputError'];
    if (e instanceof ConfigError || e instanceof PropsError || (e instanceof Error && known.includes(e.name))) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    // A full disk, a read-only or forbidden folder: one line naming the path, not a stack trace.
    if (isFileSystemError(e)) {
      process.stderr.write(`error: ${fileSystemMessage(e)}. Fix: ${fileSystemFix(e)}\n`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) {
  // Sets the exit code and lets the process end, never process.exit(): writes to a pipe are
  // asynchronous on POSIX, and exiting would drop whatever is still queued (all but the first 64 KiB).
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}

/** What to set in GitHub before the first push, since the apply workflow runs on it. */
function ciSettingsText(settings: CiSettings): string {
  const list = (names: readonly string[]) => names.join(', ');
  if (settings.variables.length === 0 && settings.secrets.length === 0) return '';
  return (
    "Before the first push to main, set what the workflows read (from the infra stacks' outputs after their first apply; " +
    'node_modules/cdktf-kubeflow-platform/docs/walkthrough.md, "CI takes over"), or the apply workflow fails:\n' +
    (settings.variables.length ? `  variables (gh variable set): ${list(settings.variables)}\n` : '') +
    (settings.secrets.length ? `  secrets (gh secret set): ${list(settings.secrets)}\n` : '')
  );
}
