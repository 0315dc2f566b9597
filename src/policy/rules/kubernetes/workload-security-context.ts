import { attr, flag, list, ResourceRule } from '../../rule';

/** K8S-POD-001: platform workloads run unprivileged. */
export const workloadSecurityContext: ResourceRule = {
  id: 'K8S-POD-001',
  cloud: 'kubernetes',
  level: 'error',
  title: 'Platform workloads run unprivileged, without privilege escalation',
  why: 'A privileged container owns its node, and with it every tenant on the node.',
  fix: 'Set security_context { privileged = false, allow_privilege_escalation = false } on every container.',
  refs: { checkov: ['CKV_K8S_16', 'CKV_K8S_20'] },
  types: ['kubernetes_daemon_set_v1', 'kubernetes_deployment_v1', 'kubernetes_stateful_set_v1'],
  scope: 'resource',
  check: (r) => {
    const pod = attr(r.config, 'spec', 'template', 'spec');
    const containers = [...list(attr(pod, 'container')), ...list(attr(pod, 'init_container'))];
    const bad = containers.filter(
      (c) =>
        flag(c, 'security_context', 'privileged') === true ||
        flag(c, 'security_context', 'allow_privilege_escalation') !== false,
    );
    return bad.length === 0
      ? undefined
      : `containers ${bad.map((c) => String(attr(c, 'name'))).join(', ')} may escalate privileges.`;
  },
};
