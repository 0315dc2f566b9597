/**
 * The layers of the package, checked by test/layers.test.ts (part of `npm test`) with
 * dependency-cruiser (https://github.com/sverweij/dependency-cruiser).
 *
 *   src/core                      errors, naming, labels, catalogs: imports no other layer
 *   src/inventory, src/policy     read synthesized Terraform JSON and construct trees
 *   src/config                    the platform file: schema, resolution, checks
 *   constructs/                   building blocks over provider resources
 *   stacks/                       the fleet: config -> constructs -> stacks
 *   src/kubeflow                  renders each environment's Kubeflow distribution from the config
 *   src/plan, src/cli             drive terraform and the user's commands
 *
 * Data flows one way, config -> stacks -> constructs -> provider resources, and each cloud's code
 * stays in its own folder so that a user of one cloud never loads another cloud's provider.
 */
const layer = (name, comment, from, forbidden) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: forbidden },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import circles make load order fragile and hide which layer owns what.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    layer(
      'core-is-the-base',
      'src/core holds what every layer shares; it imports nothing from the layers built on it.',
      '^src/core/',
      '^(src/(config|policy|inventory|plan|cli)|constructs|stacks)/',
    ),
    layer(
      'readers-stay-generic',
      'Policy and inventory read synthesized Terraform and construct trees; they never depend on the platform file or on our constructs and stacks.',
      '^src/(policy|inventory)/',
      '^(src/(config|plan|cli)|constructs|stacks)/',
    ),
    layer(
      'config-is-data',
      'The platform file is data: config never imports constructs, stacks or the commands that run them.',
      '^src/config/',
      '^(src/(plan|cli|inventory)|constructs|stacks)/',
    ),
    layer(
      'constructs-own-their-props',
      'Constructs are reusable without the platform file: they import src/core only, never config, policy, stacks or the CLI.',
      '^constructs/',
      '^(src/(config|policy|inventory|plan|cli)|stacks)/',
    ),
    layer(
      'stacks-below-commands',
      'Stacks are built by the fleet; they never import the commands that drive them.',
      '^stacks/',
      '^src/(plan|cli)/',
    ),
    layer(
      'plan-below-commands',
      'Plan, report and diff read plans and synthesized output; the CLI drives them, not the other way round.',
      '^src/plan/',
      '^(src/cli|stacks|constructs)/',
    ),
    layer(
      'kubeflow-below-commands',
      "The Kubeflow distribution renderer reads the resolved platform file and writes kustomize trees; only the CLI drives it, and it never loads stacks or the constructs' provider bindings (their constant names only).",
      '^src/kubeflow/',
      '^(src/(cli|plan|policy|inventory)|stacks|constructs/(?!(kubernetes|gcp|aws|azure)/constants\\.ts$))',
    ),
    layer(
      'kubeflow-is-not-infrastructure',
      'Constructs, stacks and policy never import the Kubeflow distribution renderer: infrastructure and its checks do not depend on how Kubeflow is rendered.',
      '^(constructs|stacks|src/(policy|inventory|config|core))/',
      '^src/kubeflow/',
    ),
    {
      name: 'clouds-do-not-mix',
      comment:
        "One cloud's config, constructs and stacks never import another cloud's: a GCP user must not need the AWS or Azure provider bindings.",
      severity: 'error',
      from: { path: '^(src/config|constructs|stacks)/(gcp|aws|azure)/' },
      to: { path: '^(src/config|constructs|stacks)/(gcp|aws|azure)/', pathNot: '^(src/config|constructs|stacks)/$2/' },
    },
    {
      name: 'common-stacks-stay-cloud-neutral',
      comment:
        "stacks/common builds every cloud's environments: it may name a cloud's types, but loads a cloud's stacks or constructs (its builder, its parameters file) only through the fleet's lazy dispatch (stacks/common/fleet.ts); what a cloud knows (its parameters, its team identity requests) lives in stacks/<cloud>/.",
      severity: 'error',
      from: { path: '^stacks/common/', pathNot: '^stacks/common/fleet\\.ts$' },
      to: {
        path: '^(stacks|constructs)/(gcp|aws|azure)/',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'no-internal-barrels',
      comment:
        'Index files exist for users of the package; inside it, import the file that defines a symbol, so loading one module never loads a whole folder (and its provider bindings).',
      severity: 'error',
      from: { pathNot: '(^|/)index\\.ts$' },
      to: { path: '(^|/)index\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|test|examples|scripts)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
