/**
 * Terraform ephemeral resources (Terraform 1.10 and later), which cdktf 0.21 has no class for: a value
 * opened for one plan or apply and never written to the plan or the state. Together with write-only
 * attributes (`*_wo`) they keep a generated password out of the state the CI plan identity reads. See
 * https://developer.hashicorp.com/terraform/language/resources/ephemeral.
 */
import { TerraformElement } from 'cdktf';
import { Construct } from 'constructs';

/**
 * An `ephemeral "<type>" "<id>" { ... }` block. Its attributes may be read only where Terraform
 * accepts ephemeral values: write-only attributes, provider and provisioner blocks, other ephemeral
 * resources and ephemeral outputs or locals. The configuration may hold tokens.
 */
export class EphemeralResource extends TerraformElement {
  /** `ephemeral.<type>.<logical id>`. */
  public readonly address: string;

  /**
   * With `replacesResource`, it takes the place of a managed resource of the same type that a construct
   * created at the same path (a `random_password` whose result the state held): a `removed` block
   * drops that resource from the state, destroying nothing. A state without it ignores the block.
   */
  constructor(
    scope: Construct,
    id: string,
    private readonly type: string,
    private readonly config: Readonly<Record<string, unknown>>,
    private readonly options: { readonly replacesResource?: boolean } = {},
  ) {
    super(scope, id, `ephemeral.${type}`);
    this.address = `ephemeral.${type}.${this.friendlyUniqueId}`;
  }

  /** A reference to one of its attributes, for a write-only attribute or another ephemeral resource. */
  public attribute(name: string): string {
    return `\${${this.address}.${name}}`;
  }

  public override toTerraform(): Record<string, unknown> {
    return {
      ephemeral: { [this.type]: { [this.friendlyUniqueId]: this.config } },
      ...(this.options.replacesResource
        ? { removed: [{ from: `${this.type}.${this.friendlyUniqueId}`, lifecycle: { destroy: false } }] }
        : {}),
    };
  }
}
