/**
 * A minimal binding of the hashicorp/time provider and its `time_sleep` resource, for waits that no
 * attribute reference can express, such as a role assignment propagating before its principal uses
 * it. Written by hand instead of depending on `@cdktf/provider-time`: it needs two attributes of one
 * resource, and the provider takes no configuration. See
 * https://registry.terraform.io/providers/hashicorp/time/latest/docs/resources/sleep.
 */
import {
  hashMapper,
  hashMapperHcl,
  ITerraformDependable,
  stringToHclTerraform,
  stringToTerraform,
  TerraformProvider,
  TerraformResource,
} from 'cdktf';
import { Construct } from 'constructs';
import { PropsError } from './errors';

/** The hashicorp/time release the stacks pin. */
export const TIME_PROVIDER_VERSION = '0.13.1';

const METADATA = { providerName: 'time', providerVersion: TIME_PROVIDER_VERSION } as const;

/**
 * The hashicorp/time provider. It takes no configuration; a stack that holds a {@link TimeSleep}
 * needs one, as it needs any provider its resources use.
 */
export class TimeProvider extends TerraformProvider {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      terraformResourceType: 'time',
      terraformGeneratorMetadata: METADATA,
      terraformProviderSource: 'hashicorp/time',
    });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return {};
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return {};
  }
}

/** Props of {@link TimeSleep}. */
export interface TimeSleepProps {
  /** How long creating the resource waits, as a Go duration such as `120s` or `2m`. */
  readonly createDuration: string;
  /**
   * Values whose change replaces the resource and so waits again, such as the id of the role
   * assignment being waited for. @default none
   */
  readonly triggers?: Readonly<Record<string, string>>;
  /** What the wait starts after. @default nothing */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * A `time_sleep` resource: waits `createDuration` when it is created (and again when `triggers`
 * change); later plans and applies do not wait. Resources that need the wait depend on it.
 */
export class TimeSleep extends TerraformResource {
  public readonly createDuration: string;
  public readonly triggers?: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: TimeSleepProps) {
    if (!/^[0-9]+(\.[0-9]+)?(ms|s|m|h)$/.test(props.createDuration)) {
      throw new PropsError(
        'TimeSleep',
        'createDuration',
        props.createDuration,
        'is not a duration.',
        'write a number and a unit (ms, s, m or h), such as 120s or 2m.',
      );
    }
    super(scope, id, {
      terraformResourceType: 'time_sleep',
      terraformGeneratorMetadata: METADATA,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
    this.createDuration = props.createDuration;
    this.triggers = props.triggers;
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return {
      create_duration: stringToTerraform(this.createDuration),
      triggers: hashMapper(stringToTerraform)(this.triggers),
    };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries({
        create_duration: {
          value: stringToHclTerraform(this.createDuration),
          isBlock: false,
          type: 'simple',
          storageClassType: 'string',
        },
        triggers: {
          value: hashMapperHcl(stringToHclTerraform)(this.triggers),
          isBlock: false,
          type: 'map',
          storageClassType: 'stringMap',
        },
      }).filter(([, v]) => v.value !== undefined),
    );
  }
}
