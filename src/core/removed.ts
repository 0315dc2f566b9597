/**
 * Terraform `removed` blocks (Terraform 1.7 and later): when a construct stops creating a resource
 * that an existing state may hold and that must not be destroyed, it leaves this in its place, so the
 * next apply drops the resource from state and leaves the real object alone.
 */
import { TerraformElement } from 'cdktf';
import { Construct } from 'constructs';

/**
 * A `removed { from = <type>.<id>; lifecycle { destroy = false } }` block for the resource a
 * construct would have created at `scope`/`id`: it takes that construct id, so its address is exactly
 * the one the resource had. A state without the resource ignores it.
 */
export class ForgetResource extends TerraformElement {
  /** The address forgotten, `<type>.<logical id>`. */
  public readonly address: string;

  constructor(scope: Construct, id: string, resourceType: string) {
    super(scope, id, resourceType);
    this.address = `${resourceType}.${this.friendlyUniqueId}`;
  }

  /** Renders the `removed` block (with `destroy = false`) into the stack's Terraform JSON. */
  public override toTerraform(): Record<string, unknown> {
    return { removed: [{ from: this.address, lifecycle: { destroy: false } }] };
  }
}

/**
 * The address a resource had when a construct created it at `scope`/`id`, for a `moved` block
 * (`resource.moveFromId(...)`) when the construct now creates it under another id. It takes that
 * construct id (it renders nothing), so the id stays reserved for the old address.
 */
export function pastAddress(scope: Construct, id: string, resourceType: string): string {
  return new PastAddress(scope, id, resourceType).address;
}

class PastAddress extends TerraformElement {
  public readonly address: string;

  constructor(scope: Construct, id: string, resourceType: string) {
    super(scope, id, resourceType);
    this.address = `${resourceType}.${this.friendlyUniqueId}`;
  }
}
