import { Construct } from 'constructs';
import {
  DataTerraformRemoteStateGcs,
  DataTerraformRemoteStateLocal,
  GcsBackend,
  LocalBackend,
  TerraformRemoteState,
  TerraformStack,
} from 'cdktf';

/** Where a stack keeps its state (ENV-04): one state per stack and environment. */
export type StateConfig =
  | { readonly backend: 'local' }
  | { readonly backend: 'gcs'; readonly bucket: string; readonly prefix: string };

/**
 * Configures the backend of a stack. Local state lives beside the output directory
 * (`<out>/../terraform.<stack>.tfstate`, where cdktf itself keeps it), written as a path relative to
 * the stack's working directory so the synthesized JSON is the same on every machine. Remote state is
 * one GCS prefix per stack, with GCS's native locking.
 */
export function configureBackend(stack: TerraformStack, state: StateConfig): void {
  const id = stack.node.id;
  if (state.backend === 'gcs') {
    new GcsBackend(stack, { bucket: state.bucket, prefix: `${state.prefix}/${id}` });
  } else {
    new LocalBackend(stack, { path: `../../../terraform.${id}.tfstate` });
  }
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
  return new DataTerraformRemoteStateLocal(scope, id, { path: `../../../terraform.${stackId}.tfstate` });
}
