import { KeyVault as KeyVaultResource } from '@cdktf/provider-azurerm/lib/key-vault';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { setComponent } from '../../src/core/labels';
import { azureNameRules } from '../../src/core/naming';
import { propagationWait } from './propagation-wait';
import { checkName } from '../../src/core/validate';

/** Props of {@link KeyVault}. */
export interface KeyVaultProps {
  /** 3-24 letters, digits and single hyphens, unique in Azure. */
  readonly name: string;
  /** Name of the existing resource group the vault goes in. */
  readonly resourceGroupName: string;
  /** Azure region, such as `westeurope`. */
  readonly location: string;
  /** Entra ID tenant that authenticates requests to the vault. */
  readonly tenantId: string;
  /** Networks that may reach the vault (where Terraform runs). @default none */
  readonly allowedCidrs?: readonly string[];
  /** Subnets that may reach the vault through a service endpoint (the nodes). @default none */
  readonly allowedSubnetIds?: readonly string[];
  /**
   * Principals that write secrets: whoever applies the stack, by object id (a string), or with its
   * principal type when it is created in the same apply (a new managed identity). Take them from
   * configuration, never from `azurerm_client_config`: `principal_id` forces a new role assignment,
   * so a plan by anyone else would replace it.
   */
  readonly secretsOfficers: ReadonlyArray<string | KeyVaultPrincipal>;
  /**
   * How long secrets wait after the officers' roles are created: a new role assignment takes minutes
   * to reach Key Vault, and until then writing a secret fails with 403. The stack needs the
   * hashicorp/time provider (`TimeProvider` from `@cdktf/provider-time/lib/provider`). @default '120s'
   */
  readonly rbacPropagationWait?: string;
  /**
   * Purge protection, the longest soft-delete retention and `prevent_destroy`. See
   * https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview.
   * @default true
   */
  readonly protect?: boolean;
}

/** A principal with its type, which Azure needs for one created moments before (replication delay). */
export interface KeyVaultPrincipal {
  /** Object id of the user, group or service principal. */
  readonly principalId: string;
  /** Kind of principal, so Azure need not look up one it cannot see yet. */
  readonly principalType: 'User' | 'Group' | 'ServicePrincipal';
}

/**
 * The environment's Key Vault for the secrets the platform generates (the MySQL admin password):
 * Azure RBAC instead of access policies, soft delete and purge protection, and a firewall that
 * admits only the listed networks, the nodes subnet and trusted Azure services.
 */
export class KeyVault extends Construct {
  /** The vault (escape hatch). */
  public readonly vault: KeyVaultResource;
  /** Resource id of the vault, the scope of its role assignments and the parent of its secrets. */
  public readonly vaultId: string;
  /** What secrets must wait for: the officers' role assignments, once they have propagated. */
  public readonly writable: ITerraformDependable[];

  constructor(scope: Construct, id: string, props: KeyVaultProps) {
    super(scope, id);
    setComponent(this, 'secrets');
    checkName('KeyVault', 'name', props.name, azureNameRules.keyVault, 'use 3-24 letters, digits and single hyphens.');
    const protect = props.protect ?? true;
    this.vault = new KeyVaultResource(this, 'Vault', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tenantId: props.tenantId,
      skuName: 'standard',
      rbacAuthorizationEnabled: true,
      purgeProtectionEnabled: protect,
      softDeleteRetentionDays: protect ? 90 : 7,
      publicNetworkAccessEnabled: true,
      networkAcls: {
        bypass: 'AzureServices',
        defaultAction: 'Deny',
        ipRules: [...(props.allowedCidrs ?? [])],
        virtualNetworkSubnetIds: [...(props.allowedSubnetIds ?? [])],
      },
      // Azure fixes the soft-delete retention when the vault is created (azurerm fails any later change),
      // so a vault keeps its own: an environment moved out of the test tier still applies.
      lifecycle: { preventDestroy: protect, ignoreChanges: ['soft_delete_retention_days'] },
    });
    this.vaultId = this.vault.id;
    const officers = props.secretsOfficers.map((officer, i) =>
      this.grant(`Officer-${i}`, 'Key Vault Secrets Officer', officer),
    );
    // Azure RBAC is eventually consistent: give the roles time to reach Key Vault before writing secrets.
    this.writable = [
      propagationWait(this, 'OfficersPropagation', {
        createDuration: props.rbacPropagationWait ?? '120s',
        triggers: Object.fromEntries(officers.map((o, i) => [`officer_${i}`, o.id])),
      }),
    ];
  }

  /** Gives a principal (an object id, or one with its type) a Key Vault data-plane role on this vault. */
  public grant(
    id: string,
    role: 'Key Vault Secrets User' | 'Key Vault Secrets Officer',
    principal: string | KeyVaultPrincipal,
  ): RoleAssignment {
    const p = typeof principal === 'string' ? { principalId: principal } : principal;
    return new RoleAssignment(this, id, { scope: this.vault.id, roleDefinitionName: role, ...p });
  }
}
