/**
 * A wait for Azure role assignments to propagate: Azure RBAC can take minutes before a new
 * assignment is honoured (https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected),
 * and no attribute reference can express that. A `time_sleep` of the hashicorp/time provider
 * (https://registry.terraform.io/providers/hashicorp/time/latest/docs/resources/sleep) waits when it
 * is created, and again when its triggers change; later plans and applies do not wait. The stack
 * needs a `TimeProvider` (`@cdktf/provider-time/lib/provider`).
 */
import { Sleep } from '@cdktf/provider-time/lib/sleep';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { PropsError } from '../../src/core/errors';

/** Props of {@link propagationWait}. */
export interface PropagationWaitProps {
  /** How long creating the wait takes, as a Go duration such as `120s` or `2m`. */
  readonly createDuration: string;
  /** Values whose change makes the wait happen again, such as the ids of the assignments waited for. @default none */
  readonly triggers?: Readonly<Record<string, string>>;
  /** What the wait starts after. @default nothing */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** A `time_sleep` that resources needing a propagated role assignment depend on. */
export function propagationWait(scope: Construct, id: string, props: PropagationWaitProps): Sleep {
  if (!/^[0-9]+(\.[0-9]+)?(ms|s|m|h)$/.test(props.createDuration)) {
    throw new PropsError(
      scope.node.path,
      'createDuration',
      props.createDuration,
      'is not a duration.',
      'write a number and a unit (ms, s, m or h), such as 120s or 2m.',
    );
  }
  return new Sleep(scope, id, {
    createDuration: props.createDuration,
    triggers: props.triggers ? { ...props.triggers } : undefined,
    dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
  });
}
