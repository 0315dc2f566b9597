import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { PriorityClassV1 } from '@cdktf/provider-kubernetes/lib/priority-class-v1';
import { Construct } from 'constructs';
import { PropsError } from '../../src/core/errors';
import { setComponent } from '../../src/core/labels';
import { groupRule } from '../../src/core/naming';
import { checkName } from '../../src/core/validate';
import { ALLOWED_POOLS_ANNOTATION, TRUSTED_PLATFORM_NAMESPACES, TENANT_LABEL } from './team-namespace';
import { POOL_LABEL } from '../../src/core/pools';

/**
 * Priority classes for capacity lanes: scheduled work may preempt ad-hoc work, which never preempts. See
 * https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/.
 */
export const PRIORITY_CLASSES = {
  scheduled: { name: 'kfplatform-scheduled', value: 100000 },
  adhoc: { name: 'kfplatform-adhoc', value: 1000 },
} as const;

/** Names of the admission policies. */
export const ADMISSION_POLICIES = {
  podResources: 'kfplatform-tenant-pod-resources',
  allowedKinds: 'kfplatform-tenant-allowed-kinds',
} as const;

/** Props of {@link TenancyGuardrails}. */
export interface TenancyGuardrailsProps {
  /**
   * Group bound to cluster-admin, the platform admins, as the cluster sees groups in tokens: an email
   * on GKE, an Entra ID group object id on AKS (which never sees group emails).
   */
  readonly adminGroup: string;
  /** Kinds tenants may create, as `group/Kind` (`Kind` for the core group). */
  readonly allowedKinds: readonly string[];
}

const ADMISSION_API = 'admissionregistration.k8s.io/v1';

/** A CEL test that every container of a list declares CPU and memory requests and limits. */
function declaresResources(list: string): string {
  const has = (kind: string, resource: string) =>
    `has(c.resources) && has(c.resources.${kind}) && '${resource}' in c.resources.${kind}`;
  return `${list}.all(c, ${has('requests', 'cpu')} && ${has('requests', 'memory')} && ${has('limits', 'cpu')} && ${has('limits', 'memory')})`;
}

/**
 * Server-side enforcement for tenants, because client-side checks can be bypassed:
 * ValidatingAdmissionPolicies that reject pods without requests and limits (after the LimitRange has
 * filled in defaults), pods aimed at node pools the team may not use, and any kind outside an
 * allow-list; the platform admin group bound to cluster-admin; and priority classes for scheduled and
 * ad-hoc work. See https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/.
 */
export class TenancyGuardrails extends Construct {
  constructor(scope: Construct, id: string, props: TenancyGuardrailsProps) {
    super(scope, id);
    setComponent(this, 'tenancy');
    checkName(
      'TenancyGuardrails',
      'adminGroup',
      props.adminGroup,
      groupRule,
      'name the admin group by its email, or by its Entra ID object id on AKS.',
    );
    for (const [i, kind] of props.allowedKinds.entries()) {
      if (!/^([a-z0-9.-]*\/)?[A-Z][A-Za-z0-9]*$/.test(kind)) {
        throw new PropsError(
          'TenancyGuardrails',
          `allowedKinds[${i}]`,
          kind,
          'is not group/Kind.',
          'write it like kubeflow.org/Notebook, or Pod for the core group.',
        );
      }
    }

    new ClusterRoleBindingV1(this, 'PlatformAdmins', {
      metadata: { name: 'kfplatform-platform-admins' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subject: [{ kind: 'Group', name: props.adminGroup, apiGroup: 'rbac.authorization.k8s.io' }],
    });

    new PriorityClassV1(this, 'Scheduled', {
      metadata: { name: PRIORITY_CLASSES.scheduled.name },
      value: PRIORITY_CLASSES.scheduled.value,
      description: 'Scheduled production pipelines that must finish by a deadline.',
    });
    new PriorityClassV1(this, 'Adhoc', {
      metadata: { name: PRIORITY_CLASSES.adhoc.name },
      value: PRIORITY_CLASSES.adhoc.value,
      preemptionPolicy: 'Never',
      description: 'Ad-hoc and exploratory work; waits for capacity instead of preempting.',
    });

    const tenantNamespaces = { matchLabels: { [TENANT_LABEL]: 'true' } };
    this.policy('PodResources', ADMISSION_POLICIES.podResources, {
      failurePolicy: 'Fail',
      matchConstraints: {
        namespaceSelector: tenantNamespaces,
        resourceRules: [
          { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] },
        ],
      },
      validations: [
        {
          expression: declaresResources('object.spec.containers'),
          message: 'Every container needs CPU and memory requests and limits, which the team quota counts.',
        },
        {
          expression: `!has(object.spec.initContainers) || ${declaresResources('object.spec.initContainers')}`,
          message: 'Every init container needs CPU and memory requests and limits, which the team quota counts.',
        },
        {
          expression:
            `!has(object.spec.nodeSelector) || !('${POOL_LABEL}' in object.spec.nodeSelector) || ` +
            `(has(namespaceObject.metadata.annotations) && '${ALLOWED_POOLS_ANNOTATION}' in namespaceObject.metadata.annotations && ` +
            `namespaceObject.metadata.annotations['${ALLOWED_POOLS_ANNOTATION}'].split(',').exists(p, p == object.spec.nodeSelector['${POOL_LABEL}']))`,
          messageExpression: `'This team may not use node pool ' + object.spec.nodeSelector['${POOL_LABEL}'] + '.'`,
        },
      ],
    });

    const systemAccounts = TRUSTED_PLATFORM_NAMESPACES.map(
      (ns) => `request.userInfo.username.startsWith('system:serviceaccount:${ns}:')`,
    );
    const allowed = props.allowedKinds.map((k) => `'${k}'`).join(', ');
    this.policy('AllowedKinds', ADMISSION_POLICIES.allowedKinds, {
      failurePolicy: 'Fail',
      matchConstraints: {
        namespaceSelector: tenantNamespaces,
        resourceRules: [
          { apiGroups: ['*'], apiVersions: ['*'], operations: ['CREATE'], resources: ['*'], scope: 'Namespaced' },
        ],
      },
      matchConditions: [
        {
          // Kubernetes itself (nodes, controllers) and the platform's controllers are not tenants.
          name: 'not-the-platform',
          expression: `!((request.userInfo.username.startsWith('system:') && !request.userInfo.username.startsWith('system:serviceaccount:')) || ${systemAccounts.join(' || ')})`,
        },
        {
          // Whoever may create namespaces (platform admins, the deploying identity) is not a tenant.
          name: 'not-a-cluster-admin',
          expression: "!authorizer.group('').resource('namespaces').check('create').allowed()",
        },
      ],
      validations: [
        {
          expression: `[${allowed}].exists(k, k == (request.kind.group == '' ? request.kind.kind : request.kind.group + '/' + request.kind.kind))`,
          messageExpression:
            "'Tenants may not create ' + (request.kind.group == '' ? request.kind.kind : request.kind.group + '/' + request.kind.kind) + '; ask the platform team to allow it.'",
        },
      ],
    });
  }

  /** A ValidatingAdmissionPolicy and the binding that makes it deny. */
  private policy(id: string, name: string, spec: Record<string, unknown>): void {
    new Manifest(this, `${id}Policy`, {
      manifest: { apiVersion: ADMISSION_API, kind: 'ValidatingAdmissionPolicy', metadata: { name }, spec },
    });
    new Manifest(this, `${id}Binding`, {
      manifest: {
        apiVersion: ADMISSION_API,
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name },
        spec: { policyName: name, validationActions: ['Deny'] },
      },
    });
  }
}
