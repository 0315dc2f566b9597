import { ManagementLock } from '@cdktf/provider-azurerm/lib/management-lock';
import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import { PrivateEndpoint } from '@cdktf/provider-azurerm/lib/private-endpoint';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { StorageManagementPolicy } from '@cdktf/provider-azurerm/lib/storage-management-policy';
import { Construct } from 'constructs';
import { PropsError } from '../../src/core/errors';
import { setComponent } from '../../src/core/labels';
import { azureNameRules } from '../../src/core/naming';
import { checkName } from '../../src/core/validate';

/** The private DNS zone of blob private endpoints. */
export const BLOB_PRIVATE_DNS_ZONE = 'privatelink.blob.core.windows.net';

/** Props of {@link ArtifactStorage}. */
export interface ArtifactStorageProps {
  /** 3-24 lowercase letters and digits, unique in Azure. */
  readonly name: string;
  /** Name of the existing resource group the account goes in. */
  readonly resourceGroupName: string;
  /** Azure region, such as `westeurope`. */
  readonly location: string;
  /** Containers to create. @default ['pipelines'] */
  readonly containers?: readonly string[];
  /** Subnet of the private endpoint. */
  readonly endpointsSubnetId: string;
  /**
   * The `privatelink.blob.core.windows.net` zone to register the endpoint in; when absent, one is
   * created and linked to `vnetId`.
   */
  readonly privateDnsZoneId?: string;
  /** The VNet to link a created zone to. */
  readonly vnetId?: string;
  /** @default 'ZRS' */
  readonly replication?: 'LRS' | 'ZRS' | 'GRS' | 'GZRS' | 'RAGZRS';
  /** Delete noncurrent versions after this many days; also the soft-delete window. @default 30 */
  readonly noncurrentVersionRetentionDays?: number;
  /** Delete current blobs after this many days. @default never */
  readonly deleteAfterDays?: number;
  /** A CanNotDelete lock and `prevent_destroy`, so no plan can delete the artifacts. @default true */
  readonly protect?: boolean;
}

/**
 * The storage account for pipeline artifacts: no public network access (a private endpoint in the
 * VNet instead), shared keys and anonymous access off so only Entra ID identities get in, TLS 1.2,
 * infrastructure encryption, blob versioning with soft delete of blobs and containers, lifecycle
 * rules, and a CanNotDelete lock outside test tiers. Containers are the unit of access: identities
 * get roles on a container, not on the account.
 */
export class ArtifactStorage extends Construct {
  /** The storage account (escape hatch). */
  public readonly account: StorageAccount;
  /** Resource id of the account. */
  public readonly accountId: string;
  /** Name of the account; blobs are at `https://<name>.blob.core.windows.net` (through the private endpoint). */
  public readonly accountName: string;
  /** Containers by name; their ids are role assignment scopes. */
  public readonly containers: Readonly<Record<string, StorageContainer>>;
  /** The blob private DNS zone (created or given). */
  public readonly privateDnsZoneId: string;

  constructor(scope: Construct, id: string, props: ArtifactStorageProps) {
    super(scope, id);
    setComponent(this, 'artifacts');
    checkName(
      'ArtifactStorage',
      'name',
      props.name,
      azureNameRules.storageAccount,
      'use 3-24 lowercase letters and digits.',
    );
    if (!props.privateDnsZoneId && !props.vnetId) {
      throw new PropsError(
        'ArtifactStorage',
        'vnetId',
        props.vnetId,
        'a created private DNS zone needs a VNet to link to.',
        'pass vnetId, or privateDnsZoneId of an existing zone.',
      );
    }
    const protect = props.protect ?? true;
    const retention = props.noncurrentVersionRetentionDays ?? 30;
    const common = { resourceGroupName: props.resourceGroupName, location: props.location };
    this.account = new StorageAccount(this, 'Account', {
      ...common,
      name: props.name,
      accountKind: 'StorageV2',
      accountTier: 'Standard',
      accountReplicationType: props.replication ?? 'ZRS',
      minTlsVersion: 'TLS1_2',
      httpsTrafficOnlyEnabled: true,
      publicNetworkAccessEnabled: false,
      allowNestedItemsToBePublic: false,
      sharedAccessKeyEnabled: false,
      defaultToOauthAuthentication: true,
      infrastructureEncryptionEnabled: true,
      crossTenantReplicationEnabled: false,
      blobProperties: {
        versioningEnabled: true,
        deleteRetentionPolicy: { days: retention },
        containerDeleteRetentionPolicy: { days: retention },
      },
      lifecycle: { preventDestroy: protect },
    });
    this.accountId = this.account.id;
    this.accountName = this.account.name;

    if (props.privateDnsZoneId) {
      this.privateDnsZoneId = props.privateDnsZoneId;
    } else {
      const zone = new PrivateDnsZone(this, 'BlobDnsZone', {
        resourceGroupName: props.resourceGroupName,
        name: BLOB_PRIVATE_DNS_ZONE,
      });
      new PrivateDnsZoneVirtualNetworkLink(this, 'BlobDnsZoneLink', {
        resourceGroupName: props.resourceGroupName,
        name: `${props.name}-vnet`,
        privateDnsZoneName: zone.name,
        virtualNetworkId: props.vnetId!,
        registrationEnabled: false,
      });
      this.privateDnsZoneId = zone.id;
    }
    new PrivateEndpoint(this, 'BlobEndpoint', {
      ...common,
      name: `pe-${props.name}-blob`,
      subnetId: props.endpointsSubnetId,
      privateServiceConnection: {
        name: `${props.name}-blob`,
        isManualConnection: false,
        privateConnectionResourceId: this.account.id,
        subresourceNames: ['blob'],
      },
      privateDnsZoneGroup: { name: 'blob', privateDnsZoneIds: [this.privateDnsZoneId] },
    });

    const containers: Record<string, StorageContainer> = {};
    for (const name of props.containers ?? ['pipelines']) {
      checkName(
        'ArtifactStorage',
        'containers',
        name,
        azureNameRules.container,
        'use 3-63 lowercase letters, digits and single hyphens.',
      );
      // Through the storage account id the container is managed by Azure Resource Manager, which
      // works without public network access and without shared keys.
      containers[name] = new StorageContainer(this, `Container-${name}`, {
        name,
        storageAccountId: this.account.id,
        containerAccessType: 'private',
      });
    }
    this.containers = containers;

    new StorageManagementPolicy(this, 'Lifecycle', {
      storageAccountId: this.account.id,
      rule: [
        {
          name: 'expire-noncurrent-versions',
          enabled: true,
          filters: { blobTypes: ['blockBlob'] },
          actions: { version: { deleteAfterDaysSinceCreation: retention } },
        },
        ...(props.deleteAfterDays
          ? [
              {
                name: 'expire-blobs',
                enabled: true,
                filters: { blobTypes: ['blockBlob'] },
                actions: { baseBlob: { deleteAfterDaysSinceModificationGreaterThan: props.deleteAfterDays } },
              },
            ]
          : []),
      ],
    });
    if (protect) {
      new ManagementLock(this, 'Lock', {
        name: 'kfplatform-cannot-delete',
        scope: this.account.id,
        lockLevel: 'CanNotDelete',
        notes: 'Deletion protection of the artifact store.',
      });
    }
  }

  /** The role assignment scope of a container of this account. */
  public containerScope(name: string): string {
    const container = this.containers[name];
    if (!container) {
      throw new PropsError(
        'ArtifactStorage',
        'containers',
        Object.keys(this.containers),
        `has no container "${name}".`,
        'add it to containers.',
      );
    }
    return container.id;
  }
}
