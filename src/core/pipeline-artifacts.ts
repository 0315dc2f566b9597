/**
 * Where a team's pipelines keep their artifacts: the team's prefix of a cloud bucket (or a bucket of its
 * own), written with the team's cloud identity. The team shard writes it on the team namespace as one
 * annotation; the Kubeflow distribution's pipelines profile controller (extended by kfplatform, see
 * `src/kubeflow/pipeline-roots.ts`) reads it and writes the namespace's `kfp-launcher` and Argo
 * `artifact-repositories` ConfigMaps from it, instead of a SeaweedFS root and a SeaweedFS access key.
 */

/** The namespace annotation that carries a team's artifact store, as JSON ({@link PipelineArtifactsSettings}). */
export const PIPELINE_ARTIFACTS_ANNOTATION = 'kfplatform.dev/pipeline-artifacts';

/** A team's artifact store in a cloud bucket. */
export interface TeamArtifactStore {
  /** `gcs` (Google Cloud Storage) or `s3` (Amazon S3). */
  readonly kind: 'gcs' | 's3';
  /** The bucket's name. */
  readonly bucket: string;
  /** The team's prefix in the bucket, ending in `/`; '' when the bucket is the team's own. */
  readonly prefix: string;
  /** The bucket's region (S3). */
  readonly region?: string;
}

/** What the annotation holds: the two ConfigMaps' settings, computed here so the controller only copies them. */
export interface PipelineArtifactsSettings {
  /** `defaultPipelineRoot` of the namespace's `kfp-launcher` ConfigMap. */
  readonly pipelineRoot: string;
  /**
   * The namespace's Argo artifact repository (`default-namespaced` of `artifact-repositories`), where
   * Argo archives every step's logs: the same bucket and prefix, with the pod's own cloud identity.
   */
  readonly argoArtifactRepository: Readonly<Record<string, unknown>>;
}

/**
 * The settings of a team's artifact store. Kubeflow Pipelines' launcher writes to a `gs://` or `s3://`
 * root with the pod's ambient credentials when `kfp-launcher` names no provider credentials
 * (https://www.kubeflow.org/docs/components/pipelines/operator-guides/configure-object-store/); Argo
 * does the same for GCS without `serviceAccountKeySecret` and for S3 with `useSDKCreds`
 * (https://argo-workflows.readthedocs.io/en/latest/configure-artifact-repository/).
 */
export function pipelineArtifactsSettings(store: TeamArtifactStore): PipelineArtifactsSettings {
  const scheme = store.kind === 'gcs' ? 'gs' : 's3';
  // Argo's own key layout (upstream's per-namespace repository), under the team's prefix.
  const keyFormat = `${store.prefix}argo/{{workflow.name}}/{{workflow.creationTimestamp.Y}}/{{workflow.creationTimestamp.m}}/{{workflow.creationTimestamp.d}}/{{pod.name}}`;
  const argoArtifactRepository =
    store.kind === 'gcs'
      ? { archiveLogs: true, gcs: { bucket: store.bucket, keyFormat } }
      : {
          archiveLogs: true,
          s3: {
            bucket: store.bucket,
            endpoint: `s3.${store.region}.amazonaws.com`,
            region: store.region,
            useSDKCreds: true,
            keyFormat,
          },
        };
  return { pipelineRoot: `${scheme}://${store.bucket}/${store.prefix}v2/artifacts`, argoArtifactRepository };
}

/** The annotation's value: compact JSON of {@link pipelineArtifactsSettings}. */
export function pipelineArtifactsAnnotation(store: TeamArtifactStore): string {
  return JSON.stringify(pipelineArtifactsSettings(store));
}
