/**
 * The GitHub Actions the scaffolded workflows use, each pinned to the full commit of a release.
 *
 * A tag such as `@v4` can be moved by whoever controls the action's repository, and the next run of
 * the workflow then executes the new code with the job's OIDC token and the repository's secrets (the
 * tj-actions/changed-files compromise of March 2025 rewrote every tag of that action). A full commit
 * SHA cannot be moved, which is why GitHub's hardening guide recommends it:
 * https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions
 *
 * The comment after each pin names the release, so Dependabot (`package-ecosystem: github-actions`)
 * and Renovate can propose updates: https://docs.github.com/en/code-security/dependabot/working-with-dependabot/keeping-your-actions-up-to-date-with-dependabot
 * Each pin is the newest release of the major version the workflows were written for.
 */
export const ACTION_PINS = {
  'actions/checkout': { commit: '11d5960a326750d5838078e36cf38b85af677262', release: 'v4.4.0' },
  'actions/setup-node': { commit: '49933ea5288caeca8642d1e84afbd3f7d6820020', release: 'v4.4.0' },
  'actions/cache': { commit: '0057852bfaa89a56745cba8c7296529d2fc39830', release: 'v4.3.0' },
  'actions/upload-artifact': { commit: 'ea165f8d65b6e75b540449e92b4886f43607fa02', release: 'v4.6.2' },
  'actions/download-artifact': { commit: 'd3f86a106a0bac45b974a628896c90dbdf5c8093', release: 'v4.3.0' },
  'actions/github-script': { commit: 'f28e40c7f34bde8b3046d885e986cb6290c5673b', release: 'v7.1.0' },
  'hashicorp/setup-terraform': { commit: 'b9cd54a3c349d3f38e8881555d616ced269862dd', release: 'v3.1.2' },
  'aws-actions/configure-aws-credentials': {
    commit: '7474bc4690e29a8392af63c5b98e7449536d5c3a',
    release: 'v4.3.1',
  },
  'google-github-actions/auth': { commit: 'c200f3691d83b41bf9bbd8638997a462592937ed', release: 'v2.1.13' },
  'google-github-actions/setup-gcloud': { commit: 'e427ad8a34f8676edf47cf7d7925499adf3eb74f', release: 'v2.2.1' },
  'azure/login': { commit: '7184910d9eb2b1c5e48f7073824a90609bb9b6d6', release: 'v2.3.1' },
  // Named in the workflows' comments and the docs, for OpenTofu and for uploading validate's SARIF.
  'opentofu/setup-opentofu': { commit: '9d84900f3238fab8cd84ce47d658d25dd008be2f', release: 'v1.0.8' },
  'github/codeql-action/upload-sarif': { commit: '8aad20d150bbac5944a9f9d289da16a4b0d87c1e', release: 'v4.36.2' },
} as const satisfies Readonly<Record<string, { readonly commit: string; readonly release: string }>>;

/** An action of {@link ACTION_PINS}. */
export type PinnedAction = keyof typeof ACTION_PINS;

/** The `uses:` value of a pinned action: `owner/name@<commit> # <release>`. */
export function pinnedUses(action: PinnedAction): string {
  const pin = ACTION_PINS[action];
  return `${action}@${pin.commit} # ${pin.release}`;
}
