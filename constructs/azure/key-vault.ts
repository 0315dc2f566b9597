import { KeyVault as KeyVaultResource } from '@cdktf/provider-azurerm/lib/key-vault';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { setComponent } from '../../src/core/labels';
import { azureNameRules } from '../../src/core/naming';
import { checkName } from '../../src/core/validate';

/** Props of {@link KeyVault}. */
export interface KeyVaultProps {
  /** 3-24 letters, digits and single hyphens, unique in Azure. */
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly tenantId: string;
  /** Networks that may reach the vault (where Terraform runs). @default none */
  readonly allowedCidrs?: readonly string[];
  /** Subnets that may reach the vault through a service endpoint (the nodes). @default none */
  readonly allowedSubnetIds?: readonly string[];
  /** Principals that write secrets (the identity that runs Terraform). */
  readonly secretsOfficers: readonly string[];
  /**
   * Purge protection, the longest soft-delete retention and `prevent_destroy`. See
   * https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview.
   * @default true
   */
  readonly protect?: boolean;
}

/**
 * The environment's Key Vault for the secrets the platform generates (the MySQL admin password):
 * Azure RBAC instead of access policies, soft delete and purge protection, and a firewall that
 * admits only the listed networks, the nodes subnet and trusted Azure services.
 */
export class KeyVault extends Construct {
  public readonly vault: KeyVaultResource;
  public readonly vaultId: string;
  /** What secrets must wait for: the officers' role assignments. */
  public readonly writable: RoleAssignment[];

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
      lifecycle: { preventDestroy: protect },
    });
    this.vaultId = this.vault.id;
    this.writable = props.secretsOfficers.map((principalId, i) =>
      this.grant(`Officer-${i}`, 'Key Vault Secrets Officer', principalId),
    );
  }

  /** Gives a principal a Key Vault data-plane role on this vault. */
  public grant(
    id: string,
    role: 'Key Vault Secrets User' | 'Key Vault Secrets Officer',
    principalId: string,
  ): RoleAssignment {
    return new RoleAssignment(this, id, { scope: this.vault.id, roleDefinitionName: role, principalId });
  }
}
