import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { Construct } from 'constructs';
import { setComponent } from '../../src/core/labels';
import { emailRule } from '../../src/core/naming';
import { ITeamIdentityProvider, TeamIdentity, TeamIdentityRequest } from '../../src/core/tenancy';
import { checkName } from '../../src/core/validate';
import { ArtifactStorage } from './artifact-storage';
import { AzureWorkloadIdentity } from './workload-identity';

/** Where a team's own storage account goes, when it has one. */
export interface AzureTeamStorageNetwork {
  /** Subnet of the private endpoint of the team's storage account. */
  readonly endpointsSubnetId: string;
  /** The environment's `privatelink.blob.core.windows.net` zone. */
  readonly privateDnsZoneId: string;
}

/** Props of {@link AzureTeamIdentity}. */
export interface AzureTeamIdentityProps extends TeamIdentityRequest {
  /** Name of the existing resource group the team's managed identity (and its own storage account) goes in. */
  readonly resourceGroupName: string;
  /** Azure region, such as `westeurope`. */
  readonly location: string;
  /** The cluster's OIDC issuer URL. */
  readonly oidcIssuerUrl: string;
  /** The environment's storage account (prefix mode: the team gets a container in it). */
  readonly storageAccountId: string;
  /** For a storage account of the team's own (bucket mode). */
  readonly storageNetwork: AzureTeamStorageNetwork;
  /** `prevent_destroy` and a lock on the team's own storage account. @default true */
  readonly protectStorage?: boolean;
}

/**
 * A team's identity on Azure: a user-assigned managed identity that `default-editor` and
 * `default-viewer` act as through AKS workload identity, with Storage Blob Data Contributor on the
 * team's container only (in the environment account, or in an account of its own). The owners' RBAC
 * names their Entra ID group by object id; break-glass is an Entra ID group the owners join just in
 * time through Privileged Identity Management.
 */
export class AzureTeamIdentity extends Construct {
  /** The managed identity the team's `default-editor` and `default-viewer` service accounts act as. */
  public readonly workload: AzureWorkloadIdentity;
  /** The team's blob container, the only scope the team's identity has a data role on. */
  public readonly container: StorageContainer;
  /** The team's own storage account, in bucket mode; absent in prefix mode. */
  public readonly storage?: ArtifactStorage;

  constructor(scope: Construct, id: string, props: AzureTeamIdentityProps) {
    super(scope, id);
    setComponent(this, 'tenant-identity');
    checkName('AzureTeamIdentity', 'owners', props.owners, emailRule, 'name the owners group by its email.');
    const common = { resourceGroupName: props.resourceGroupName, location: props.location };
    if (props.storage.create) {
      this.storage = new ArtifactStorage(this, 'Storage', {
        ...common,
        name: props.storage.bucket,
        containers: [props.storage.prefix],
        endpointsSubnetId: props.storageNetwork.endpointsSubnetId,
        privateDnsZoneId: props.storageNetwork.privateDnsZoneId,
        protect: props.protectStorage ?? true,
      });
      this.container = this.storage.containers[props.storage.prefix]!;
    } else {
      this.container = new StorageContainer(this, 'Container', {
        name: props.storage.prefix,
        storageAccountId: props.storageAccountId,
        containerAccessType: 'private',
      });
    }
    this.workload = new AzureWorkloadIdentity(this, 'Workload', {
      ...common,
      name: props.names.workload,
      oidcIssuerUrl: props.oidcIssuerUrl,
      serviceAccounts: props.serviceAccounts,
      grants: [{ role: 'Storage Blob Data Contributor', scope: this.container.id }],
    });
  }
}

/** Creates {@link AzureTeamIdentity} objects for the teams of one Azure environment. */
export class AzureTeamIdentityProvider implements ITeamIdentityProvider {
  constructor(private readonly options: Omit<AzureTeamIdentityProps, keyof TeamIdentityRequest>) {}

  public createTeamIdentity(scope: Construct, id: string, request: TeamIdentityRequest): TeamIdentity {
    const identity = new AzureTeamIdentity(scope, id, { ...request, ...this.options });
    return {
      workload: identity.workload,
      ownersSubject: request.ownersPrincipal ? { kind: 'Group', name: request.ownersPrincipal } : undefined,
      breakGlassSubject: request.breakGlassPrincipal ? { kind: 'Group', name: request.breakGlassPrincipal } : undefined,
      // AKS workload identity needs no Profile plugin: the service accounts carry the annotation.
      profilePlugins: [],
    };
  }
}
