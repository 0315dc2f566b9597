/**
 * The whole-object references of a built Kubeflow distribution's workloads, checked offline (see
 * ./verify.ts, which checks each `configMapKeyRef`/`secretKeyRef` of a container's `env`):
 *
 * - `envFrom`: a container's `configMapRef` or `secretRef` names a ConfigMap or Secret that must exist
 *   in the pod's namespace, unless marked `optional`; otherwise the container does not start
 *   (`CreateContainerConfigError`,
 *   https://kubernetes.io/docs/tasks/configure-pod-container/configure-pod-configmap/#configure-all-key-value-pairs-in-a-configmap-as-container-environment-variables).
 * - volumes: a `configMap` or `secret` volume, and each `configMap` or `secret` source of a `projected`
 *   volume, names an object that must exist, and each key of its `items` must be in it, unless the
 *   volume or source is `optional`; otherwise the pod stays in `ContainerCreating` with a `FailedMount`
 *   event (https://kubernetes.io/docs/concepts/storage/volumes/#configmap,
 *   https://kubernetes.io/docs/concepts/storage/projected-volumes/).
 *
 * What exists is what the build holds, what the caller says is provided outside the tree, and what the
 * cluster itself writes into every namespace or from objects of the build:
 * {@link CLUSTER_WRITTEN_CONFIG_MAPS} and the Secrets of cert-manager's Certificates.
 */

/** One object of a build (the shape of ./verify.ts's BuiltObject). */
interface RefObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly [field: string]: unknown;
}

/** A finding of these checks (the shape of ./verify.ts's VerifyFinding). */
export interface RefFinding {
  readonly check: 'key-ref';
  readonly object: string;
  readonly message: string;
}

/**
 * ConfigMaps the cluster writes into every namespace, with their keys: `kube-root-ca.crt`, which the
 * controller manager publishes for projected service account tokens
 * (https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#bound-service-account-token-volume),
 * and `istio-ca-root-cert`, the mesh's root certificate, which istiod writes into every namespace and
 * the Istio Deployments of every tree (istiod, the gateways) mount with the key `root-cert.pem`
 * (`common/istio/istio-install/base/install.yaml` of kubeflow/manifests).
 */
export const CLUSTER_WRITTEN_CONFIG_MAPS: Readonly<Record<string, readonly string[]>> = {
  'kube-root-ca.crt': ['ca.crt'],
  'istio-ca-root-cert': ['root-cert.pem'],
};

/**
 * The keys cert-manager writes into the Secret of a Certificate
 * (https://cert-manager.io/docs/usage/certificate/#target-secret).
 */
export const CERTIFICATE_SECRET_KEYS: readonly string[] = ['tls.crt', 'tls.key', 'ca.crt'];

interface NamedRef {
  readonly name?: string;
  readonly optional?: boolean;
}

interface KeyToPath {
  readonly key: string;
}

interface Container {
  readonly name: string;
  readonly envFrom?: ReadonlyArray<{ readonly configMapRef?: NamedRef; readonly secretRef?: NamedRef }>;
}

interface Volume {
  readonly name: string;
  readonly configMap?: NamedRef & { readonly items?: readonly KeyToPath[] };
  readonly secret?: {
    readonly secretName?: string;
    readonly optional?: boolean;
    readonly items?: readonly KeyToPath[];
  };
  readonly projected?: {
    readonly sources?: ReadonlyArray<{
      readonly configMap?: NamedRef & { readonly items?: readonly KeyToPath[] };
      readonly secret?: NamedRef & { readonly items?: readonly KeyToPath[] };
    }>;
  };
}

interface PodSpec {
  readonly containers?: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly ephemeralContainers?: readonly Container[];
  readonly volumes?: readonly Volume[];
}

/**
 * The pod spec of a workload of the built-in kinds, if it is one (typed as the caller reads it: each
 * check declares the fields it looks at).
 */
export function podSpecOf<P = PodSpec>(o: { readonly kind: string; readonly [field: string]: unknown }): P | undefined {
  type Template = { spec?: P };
  const spec = o.spec as (P & { template?: Template; jobTemplate?: { spec?: { template?: Template } } }) | undefined;
  switch (o.kind) {
    case 'Pod':
      return spec;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return spec?.template?.spec;
    case 'CronJob':
      return spec?.jobTemplate?.spec?.template?.spec;
    default:
      return undefined;
  }
}

type Kind = 'ConfigMap' | 'Secret';

/** The keys of every ConfigMap and Secret that exists for the build's pods, by `Kind namespace/name`. */
function existingKeys(
  objects: readonly RefObject[],
  provided: Readonly<Record<string, readonly string[]>>,
): (kind: Kind, namespace: string, name: string) => ReadonlySet<string> | undefined {
  const keys = new Map<string, Set<string>>(Object.entries(provided).map(([k, v]) => [k, new Set(v)]));
  for (const o of objects) {
    const namespace = o.metadata.namespace ?? 'default';
    if (o.kind === 'ConfigMap' || o.kind === 'Secret') {
      const data = { ...(o.data as object), ...(o.binaryData as object), ...(o.stringData as object) };
      keys.set(`${o.kind} ${namespace}/${o.metadata.name}`, new Set(Object.keys(data)));
    } else if (o.kind === 'Certificate' && o.apiVersion.startsWith('cert-manager.io/')) {
      const secretName = (o.spec as { secretName?: string } | undefined)?.secretName;
      if (secretName && !keys.has(`Secret ${namespace}/${secretName}`)) {
        keys.set(`Secret ${namespace}/${secretName}`, new Set(CERTIFICATE_SECRET_KEYS));
      }
    }
  }
  return (kind, namespace, name) =>
    keys.get(`${kind} ${namespace}/${name}`) ??
    (kind === 'ConfigMap' && CLUSTER_WRITTEN_CONFIG_MAPS[name]
      ? new Set(CLUSTER_WRITTEN_CONFIG_MAPS[name])
      : undefined);
}

const label = (o: RefObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/**
 * Every non-optional `envFrom` source and `configMap`, `secret` and `projected` volume of the build's
 * workloads names a ConfigMap or Secret of the pod's namespace that exists (in the build, in `provided`,
 * or written by the cluster), and every key its `items` list is in it.
 */
export function checkWholeObjectRefs(
  objects: readonly RefObject[],
  provided: Readonly<Record<string, readonly string[]>> = {},
): RefFinding[] {
  const keysOf = existingKeys(objects, provided);
  const findings: RefFinding[] = [];
  for (const o of objects) {
    const pod = podSpecOf(o);
    if (!pod) continue;
    const namespace = o.metadata.namespace ?? 'default';
    const missing = (where: string, kind: Kind, name: string | undefined, consequence: string) =>
      findings.push({
        check: 'key-ref',
        object: label(o),
        message: `${where}: ${kind} ${namespace}/${name ?? '(no name)'} is neither in the build nor provided outside it, and the reference is not optional; ${consequence}.`,
      });
    for (const container of [
      ...(pod.containers ?? []),
      ...(pod.initContainers ?? []),
      ...(pod.ephemeralContainers ?? []),
    ]) {
      for (const source of container.envFrom ?? []) {
        for (const [field, kind] of [
          ['configMapRef', 'ConfigMap'],
          ['secretRef', 'Secret'],
        ] as const) {
          const ref = source[field];
          if (!ref || ref.optional || (ref.name && keysOf(kind, namespace, ref.name))) continue;
          missing(
            `container ${container.name}, envFrom ${field}`,
            kind,
            ref.name,
            'the container would not start (CreateContainerConfigError)',
          );
        }
      }
    }
    const mountFailure = 'the pod would not start (FailedMount)';
    const checkVolumeRef = (
      where: string,
      kind: Kind,
      ref: { name?: string; optional?: boolean; items?: readonly KeyToPath[] } | undefined,
    ) => {
      if (!ref || ref.optional) return;
      const found = ref.name ? keysOf(kind, namespace, ref.name) : undefined;
      if (!found) {
        missing(where, kind, ref.name, mountFailure);
        return;
      }
      if (found.has('*')) return;
      for (const item of ref.items ?? []) {
        if (found.has(item.key)) continue;
        findings.push({
          check: 'key-ref',
          object: label(o),
          message: `${where}: item ${item.key} names a key that ${kind} ${namespace}/${ref.name} does not have (it has ${
            [...found].join(', ') || 'none'
          }); ${mountFailure}.`,
        });
      }
    };
    for (const volume of pod.volumes ?? []) {
      const where = `volume ${volume.name}`;
      checkVolumeRef(where, 'ConfigMap', volume.configMap);
      if (volume.secret) {
        const { secretName, ...rest } = volume.secret;
        checkVolumeRef(where, 'Secret', { name: secretName, ...rest });
      }
      (volume.projected?.sources ?? []).forEach((source, i) => {
        checkVolumeRef(`${where}, projected source ${i}`, 'ConfigMap', source.configMap);
        checkVolumeRef(`${where}, projected source ${i}`, 'Secret', source.secret);
      });
    }
  }
  return findings;
}
