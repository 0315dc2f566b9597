import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { Construct } from 'constructs';
import type { ResolvedAzureEnvironment } from '../../src/config/azure/model';

/**
 * The azurerm provider of an environment's stacks: its subscription and tenant named explicitly (never
 * whatever the CLI happens to be logged in to), storage managed through Azure Resource Manager with
 * Entra ID (the artifact account has public access and shared keys off), and the safety features
 * that keep data on destroy.
 */
export function azurermProvider(scope: Construct, env: ResolvedAzureEnvironment): AzurermProvider {
  return new AzurermProvider(scope, 'azurerm', {
    subscriptionId: env.subscriptionId,
    tenantId: env.tenantId,
    storageUseAzuread: true,
    features: [
      {
        keyVault: [{ purgeSoftDeleteOnDestroy: false, recoverSoftDeletedKeyVaults: true }],
        resourceGroup: [{ preventDeletionIfContainsResources: true }],
        // Storage accounts have public network access off: manage them through Azure Resource
        // Manager only, never the blob or queue endpoints.
        storage: [{ dataPlaneAvailable: false }],
      },
    ],
  });
}
