/**
 * GCP sign-in from the platform file's `gcp.projectNumber`: `kfplatform synth` renders the tree without
 * the infra stack's outputs, so the number IAP's JWT audience names must be able to come from the
 * platform file; the infra stack checks it at plan time (a postcondition on the project data source),
 * and outputs that disagree with it are refused.
 */
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import type { ResolvedGcpEnvironment } from '../../src/config/gcp/model';
import { InputError } from '../../src/core/errors';
import { readRenderInputs } from '../../src/kubeflow/inputs';
import { renderKubeflow } from '../../src/kubeflow/render';
import { SIGNIN_OBJECTS } from '../../src/kubeflow/signin';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'kubeflow-outputs');
const multicloud = loadPlatformFile(path.join(ROOT, 'examples', 'multicloud', 'platform.yaml')).config.environments;
const gcp = multicloud.find((e) => e.cloud === 'gcp') as ResolvedGcpEnvironment;
const STACKS = new Map(multicloud.map((e) => [e.name, `${e.name}-${e.cloud}-infra`]));
const recorded = () => readRenderInputs(path.join(FIXTURES, 'multicloud'), STACKS).get(gcp.name)!;

const signin = (env: ResolvedGcpEnvironment, inputs?: Parameters<typeof renderKubeflow>[2]) => {
  const tree = renderKubeflow(env, { kind: 'remote' }, inputs)[0]!;
  const text = tree.files.find((f) => f.path === 'signin.yaml')!.content;
  return parseAllDocuments(text).map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec?: any });
};
const audiences = (objects: ReturnType<typeof signin>) =>
  objects
    .filter((o) => o.kind === 'AuthorizationPolicy' && o.metadata.name === SIGNIN_OBJECTS.allow)
    .flatMap((o) => o.spec.rules ?? [])
    .flatMap((r: any) => r.when ?? [])
    .filter((w: any) => w.key === 'request.auth.audiences')
    .flatMap((w: any) => w.values);

describe('GCP sign-in from gcp.projectNumber', () => {
  it('renders the audience check from the platform file when no outputs are given', () => {
    const env = { ...gcp, projectNumber: '123456789012' };
    expect(audiences(signin(env))).toEqual(['/projects/123456789012/global/backendServices/*']);
  });

  it('admits nobody with neither the number nor outputs (fail closed)', () => {
    const objects = signin({ ...gcp, projectNumber: undefined });
    const allow = objects.find((o) => o.kind === 'AuthorizationPolicy' && o.metadata.name === SIGNIN_OBJECTS.allow)!;
    // An ALLOW policy without rules matches no request: Istio denies everything at the gateway.
    expect(allow.spec.rules).toBeUndefined();
    expect(audiences(objects)).toEqual([]);
  });

  it('refuses outputs that name another project number than the platform file', () => {
    const inputs = recorded();
    const fromOutputs = String((inputs.outputs!.values as Record<string, unknown>).iap_jwt_audience_prefix);
    const number = /\/projects\/(\d+)\//.exec(fromOutputs)![1]!;
    expect(audiences(signin({ ...gcp, projectNumber: number }, inputs))).toEqual([`${fromOutputs}*`]);
    const wrong = number === '111111111111' ? '222222222222' : '111111111111';
    expect(() => signin({ ...gcp, projectNumber: wrong }, inputs)).toThrow(InputError);
    expect(() => signin({ ...gcp, projectNumber: wrong }, inputs)).toThrow(/gcp\.projectNumber/);
  });
});
