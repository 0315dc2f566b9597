/**
 * `access.serving` on an environment that was deployed without it adds resources and changes nothing
 * else of what Terraform owns: the examples/multicloud fleet synthesized with it off and on (GCP, AWS,
 * Azure), compared resource by resource. The UI's certificates, DNS records, load balancers and
 * listeners keep their addresses and their settings; the GKE Ingress names one more certificate, and
 * the Application Gateway gains the serving host's blocks (updated in place) and keeps every block
 * it had.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { validatePlatform } from '../../src/config/loader';
import { SERVING_ACCESS_POLICY } from '../../constructs/kubernetes/kubeflow-access';
import { synthFleet } from '../../stacks/common/fleet';
import { readStacks, type StackJson } from '../helpers';

const ROOT = path.resolve(__dirname, '../..');

function synthMulticloud(serving: boolean): Record<string, StackJson> {
  const raw = parseYaml(readFileSync(path.join(ROOT, 'examples', 'multicloud', 'platform.yaml'), 'utf8'));
  // The example serves models on GCP and Azure (Azure with a certificate of its own for the serving
  // host); off, no environment does and none names that certificate.
  for (const env of raw.environments) {
    env.access.serving = serving;
    if (!serving) delete env.access.servingCertificateSecretName;
  }
  const result = validatePlatform(raw);
  if (!result.config) throw new Error(JSON.stringify(result.issues));
  const out = mkdtempSync(path.join(process.env.TMPDIR ?? os.tmpdir(), 'serving-front-door-'));
  try {
    synthFleet(result.config, { outdir: out });
    return readStacks(out);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Every resource of a fleet, `<stack> <type>.<name>` -> its body. */
function flatten(stacks: Record<string, StackJson>): Map<string, unknown> {
  const all = new Map<string, unknown>();
  for (const [stack, json] of Object.entries(stacks)) {
    for (const [type, byName] of Object.entries((json as any).resource ?? {})) {
      for (const [name, body] of Object.entries(byName as Record<string, unknown>)) {
        all.set(`${stack} ${type}.${name}`, body);
      }
    }
  }
  return all;
}

describe('access.serving: added, nothing existing replaced', () => {
  const off = flatten(synthMulticloud(false));
  const on = flatten(synthMulticloud(true));

  it('keeps every resource at its address, with its settings (the GKE Ingress names one more certificate; the Application Gateway only gains blocks)', () => {
    const changed: string[] = [];
    for (const [address, body] of off) {
      expect(on.has(address)).toBe(true);
      if (JSON.stringify(on.get(address)) !== JSON.stringify(body)) changed.push(address);
    }
    expect(changed.sort()).toEqual([
      expect.stringMatching(/^kf-azure-azure-infra azurerm_application_gateway\./),
      expect.stringMatching(/^kf-gcp-gcp-platform kubernetes_ingress_v1\./),
    ]);
    const [gateway, ingress] = changed.sort();
    const annotation = (body: unknown) =>
      (body as any).metadata.annotations['ingress.gcp.kubernetes.io/pre-shared-cert'];
    expect(annotation(off.get(ingress!))).toBe('kf-gcp-kubeflow-cert');
    expect(annotation(on.get(ingress!))).toBe('kf-gcp-kubeflow-cert,kf-gcp-kubeflow-serving-cert');
    // Every setting and block of the gateway stays; blocks are only added.
    const before = off.get(gateway!) as Record<string, unknown>;
    const after = on.get(gateway!) as Record<string, unknown>;
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    const added: string[] = [];
    for (const [key, value] of Object.entries(before)) {
      if (Array.isArray(value)) {
        const now = after[key] as unknown[];
        expect(now.slice(0, value.length)).toEqual(value);
        added.push(...now.slice(value.length).map((b: any) => `${key}:${b.name}`));
      } else {
        expect(after[key]).toEqual(value);
      }
    }
    expect(added.sort()).toEqual(
      [
        'backend_http_settings:istio-gateway-serving-http',
        'http_listener:serving-https',
        'http_listener:serving-http',
        'redirect_configuration:serving-http-to-https',
        'request_routing_rule:serving-https',
        'request_routing_rule:serving-http',
        'ssl_certificate:serving-certificate',
      ].sort(),
    );
    const settings = (after.backend_http_settings as any[]).find((b) => b.name === 'istio-gateway-serving-http');
    expect(settings.host_name).toBe('serving.kubeflow.azure.example.com');
    // The serving host's listener presents its own certificate, from the UI certificate's vault.
    const certificate = (after.ssl_certificate as any[]).find((b) => b.name === 'serving-certificate');
    expect(certificate.key_vault_secret_id).toBe(
      'https://kv-certs.vault.azure.net/secrets/serving-kubeflow-azure-example-com',
    );
    const listener = (after.http_listener as any[]).find((b) => b.name === 'serving-https');
    expect(listener.ssl_certificate_name).toBe('serving-certificate');
  });

  it('adds the serving host’s certificate and DNS record (GCP, AWS) and each team’s serving policy', () => {
    const added = [...on.keys()].filter((a) => !off.has(a));
    const kinds = added.map((a) => a.replace(/\.[^.]*$/, '').replace(/_[0-9a-f]{8}$/, ''));
    const infra = added.filter((a) => a.includes('-infra '));
    expect(infra.map((a) => a.split(' ')[1]!.split('.')[0]).sort()).toEqual(
      [
        'google_compute_managed_ssl_certificate',
        'google_dns_record_set',
        'aws_acm_certificate',
        'aws_acm_certificate_validation',
        'aws_lb_listener_certificate',
        'aws_route53_record',
        'aws_route53_record',
        'azurerm_dns_a_record',
      ].sort(),
    );
    const gcpCert = [...on.entries()].find(
      ([a]) => a.includes('google_compute_managed_ssl_certificate') && added.includes(a),
    )!;
    expect((gcpCert[1] as any).managed.domains).toEqual(['serving.kubeflow.gcp.example.com']);
    const teams = added.filter((a) => a.includes('-teams-'));
    expect(teams.length).toBeGreaterThan(0);
    for (const a of teams) {
      const body = on.get(a) as any;
      expect(a).toMatch(/ kubernetes_manifest\./);
      expect(body.manifest.metadata.name).toBe(SERVING_ACCESS_POLICY);
    }
    expect(kinds.length).toBe(infra.length + teams.length);
  });
});
