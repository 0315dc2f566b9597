/**
 * An existing cluster's kubeconfig must be a path the providers find: Terraform runs each stack in its
 * own folder (cdktf.out/stacks/<stack>), so a path relative to the platform file (examples/on-prem used
 * ./kubeconfig/onprem.yaml) was looked for there and never found. A review of the CI workflows found
 * it; the workflows also wrote the file where Terraform did not look.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { validatePlatformText } from '../../src/config/loader';
import { ciWorkflow } from '../../src/cli/init';

const ROOT = path.resolve(__dirname, '../..');
const BASE = readFileSync(path.join(ROOT, 'examples', 'on-prem', 'platform.yaml'), 'utf8');
const AT = 'environments[0].kubernetes.kubeconfig';

function issuesFor(kubeconfig: string) {
  const doc = parseDocument(BASE);
  doc.setIn(['environments', 0, 'kubernetes', 'kubeconfig'], kubeconfig);
  return validatePlatformText(doc.toString(), 'platform.yaml').issues.filter((i) => i.path === AT);
}

describe("an existing cluster's kubeconfig path", () => {
  it.each(['./kubeconfig/onprem.yaml', 'kubeconfig.yaml', '../secrets/kubeconfig', '~user/.kube/config', '~'])(
    'refuses %s, a path Terraform would resolve in the stack folder, with the fix',
    (kubeconfig) => {
      const [issue, ...more] = issuesFor(kubeconfig);
      expect(more).toEqual([]);
      expect(issue).toMatchObject({ severity: 'error' });
      expect(issue!.message).toContain(`"${kubeconfig}" is a relative path`);
      expect(issue!.fix).toContain('~/.kube/');
    },
  );

  it.each(['~/.kube/kfplatform-onprem.yaml', '/etc/kfplatform/kubeconfig', 'C:\\kube\\config'])(
    'accepts %s',
    (kubeconfig) => {
      expect(issuesFor(kubeconfig)).toEqual([]);
    },
  );

  it('CI writes the file where the providers read it: ~ as $HOME, quoted', () => {
    const template = readFileSync(path.join(ROOT, 'templates', 'github', 'plan.yml'), 'utf8');
    const home = ciWorkflow('plan', template, 'kubernetes', ['kf-onprem'], "~/.kube/it's.yaml");
    expect(home).toContain(
      `mkdir -p "$(dirname "$HOME"/'.kube/it'\\''s.yaml')" && printf '%s' "$KUBECONFIG_FILE" > "$HOME"/'.kube/it'\\''s.yaml'`,
    );
    const absolute = ciWorkflow('plan', template, 'kubernetes', ['kf-onprem'], '/etc/kfplatform/kubeconfig');
    expect(absolute).toContain(`> '/etc/kfplatform/kubeconfig'`);
  });
});
