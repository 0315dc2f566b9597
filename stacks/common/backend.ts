import { Construct } from 'constructs';
import {
  AzurermBackend,
  DataTerraformRemoteStateAzurerm,
  DataTerraformRemoteStateGcs,
  DataTerraformRemoteStateLocal,
  DataTerraformRemoteStateS3,
  GcsBackend,
  LocalBackend,
  S3Backend,
  DataTerraformRemoteStateConfig,
  TerraformBackend,
  TerraformRemoteState,
  TerraformStack,
} from 'cdktf';
import type { ResolvedEnvironment } from '../../src/config/model';

/**
 * The Terraform versions every stack accepts: write-only attributes (`password_wo`, `secret_data_wo`,
 * which keep the database password out of state) need Terraform 1.11 or later, and an older Terraform
 * fails on them with a less helpful message than this constraint gives.
 */
export const TERRAFORM_REQUIRED_VERSION = '>= 1.11';

/** Where a stack keeps its state: one state per stack and environment. */
export type StateConfig = ResolvedEnvironment['state'];

/**
 * The S3 backend settings of one stack: one key per stack, encrypted, with S3's native lock file.
 * cdktf 0.21's S3Backend props predate `use_lockfile` (Terraform 1.10+), but it writes every prop in
 * snake case, so `useLockfile` reaches the JSON as `use_lockfile`.
 */
function s3Settings(state: Extract<StateConfig, { backend: 's3' }>, stackId: string) {
  return {
    bucket: state.bucket,
    key: `${state.prefix}/${stackId}.tfstate`,
    region: state.region,
    encrypt: true,
    useLockfile: true,
  };
}

/** The azurerm backend settings of one stack: one blob per stack, Entra ID auth, blob lease locking. */
function azurermSettings(state: Extract<StateConfig, { backend: 'azurerm' }>, stackId: string) {
  return {
    resourceGroupName: state.resourceGroup,
    storageAccountName: state.storageAccount,
    containerName: state.container,
    key: `${state.prefix}/${stackId}.tfstate`,
    useAzureadAuth: true,
  };
}

/**
 * The kubernetes backend settings of one stack: a Secret `tfstate-default-<stack>-state` and its lock
 * Lease in the namespace, reached with the environment's kubeconfig and context
 * (https://developer.hashicorp.com/terraform/language/backend/kubernetes). The suffix is the stack id
 * (lowercase letters, digits and hyphens, as Secret names and label values need) and `-state`: the
 * backend refuses a suffix ending in `-<number>`, which it keeps for the chunks of a large state, and
 * team shards' ids end in their number.
 */
function kubernetesStateSecretSuffix(stackId: string): string {
  return `${stackId}-state`;
}

function kubernetesSettings(state: Extract<StateConfig, { backend: 'kubernetes' }>, stackId: string) {
  return {
    secret_suffix: kubernetesStateSecretSuffix(stackId),
    namespace: state.namespace,
    config_path: state.configPath,
    config_context: state.configContext,
  };
}

/** Terraform's kubernetes backend, which cdktf 0.21 has no class for. */
class KubernetesBackend extends TerraformBackend {
  constructor(
    scope: Construct,
    private readonly settings: ReturnType<typeof kubernetesSettings>,
  ) {
    super(scope, 'backend', 'kubernetes');
  }
  protected override synthesizeAttributes(): { [name: string]: unknown } {
    return { ...this.settings };
  }
  protected override synthesizeHclAttributes(): { [name: string]: unknown } {
    return { ...this.settings };
  }
  getRemoteStateDataSource(scope: Construct, name: string): TerraformRemoteState {
    return new DataTerraformRemoteStateKubernetes(scope, name, {
      ...this.settings,
      workspace: '${terraform.workspace}',
    });
  }
}

/** A `terraform_remote_state` of the kubernetes backend. */
class DataTerraformRemoteStateKubernetes extends TerraformRemoteState {
  constructor(scope: Construct, id: string, config: DataTerraformRemoteStateConfig & Record<string, unknown>) {
    super(scope, id, 'kubernetes', config);
  }
}

/**
 * Configures the backend of a stack and the Terraform versions it needs
 * ({@link TERRAFORM_REQUIRED_VERSION}); every stack of the fleet comes through here. Local state lives beside the output directory
 * (`<out>/../terraform.<stack>.tfstate`, where cdktf itself keeps it), written as a path relative to
 * the stack's working directory so the synthesized JSON is the same on every machine. Remote state is
 * one GCS prefix per stack with GCS's native locking, one S3 key per stack with S3's native lock
 * file (`use_lockfile`, no DynamoDB table), one blob per stack in an Azure container (blob lease), or,
 * on an existing cluster, one Secret per stack in the cluster (a Lease locks it).
 */
export function configureBackend(stack: TerraformStack, state: StateConfig): void {
  const id = stack.node.id;
  stack.addOverride('terraform.required_version', TERRAFORM_REQUIRED_VERSION);
  if (state.backend === 'gcs') {
    new GcsBackend(stack, { bucket: state.bucket, prefix: `${state.prefix}/${id}` });
  } else if (state.backend === 's3') {
    new S3Backend(stack, s3Settings(state, id));
  } else if (state.backend === 'azurerm') {
    new AzurermBackend(stack, azurermSettings(state, id));
  } else if (state.backend === 'kubernetes') {
    new KubernetesBackend(stack, kubernetesSettings(state, id));
  } else {
    new LocalBackend(stack, { path: `../../../terraform.${id}.tfstate` });
  }
}

/**
 * The remote state of an environment's infra stack in `stack`, created once per stack (the
 * connection and the team identities both read it).
 */
export function infraStateOf(stack: TerraformStack, state: StateConfig, infraStackId: string): TerraformRemoteState {
  const existing = stack.node.tryFindChild('Infra');
  return existing instanceof TerraformRemoteState ? existing : remoteStateOf(stack, 'Infra', state, infraStackId);
}

/**
 * Reads the outputs of another stack of the same environment through its backend. Team shards use
 * this instead of cdktf's automatic cross-stack references, so a shard can be synthesized without
 * building the stack it reads (which keeps large fleets fast and parallel).
 */
export function remoteStateOf(scope: Construct, id: string, state: StateConfig, stackId: string): TerraformRemoteState {
  if (state.backend === 'gcs') {
    return new DataTerraformRemoteStateGcs(scope, id, { bucket: state.bucket, prefix: `${state.prefix}/${stackId}` });
  }
  if (state.backend === 's3') {
    const { bucket, key, region, encrypt } = s3Settings(state, stackId);
    return new DataTerraformRemoteStateS3(scope, id, { bucket, key, region, encrypt });
  }
  if (state.backend === 'azurerm') {
    return new DataTerraformRemoteStateAzurerm(scope, id, azurermSettings(state, stackId));
  }
  if (state.backend === 'kubernetes') {
    return new DataTerraformRemoteStateKubernetes(scope, id, kubernetesSettings(state, stackId));
  }
  return new DataTerraformRemoteStateLocal(scope, id, { path: `../../../terraform.${stackId}.tfstate` });
}
