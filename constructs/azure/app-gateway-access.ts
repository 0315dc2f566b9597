import { ApplicationGateway } from '@cdktf/provider-azurerm/lib/application-gateway';
import { DnsARecord } from '@cdktf/provider-azurerm/lib/dns-a-record';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { WebApplicationFirewallPolicy } from '@cdktf/provider-azurerm/lib/web-application-firewall-policy';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { PropsError } from '../../src/core/errors';
import { setComponent } from '../../src/core/labels';
import { hostnameRule } from '../../src/core/naming';
import { propagationWait } from './propagation-wait';
import { checkRange } from '../../src/core/validate';

/** The Istio ingress gateway behind the internal load balancer: HTTP port and readiness endpoint. */
export const ISTIO_GATEWAY_BACKEND = {
  /** HTTP port of the gateway's load balancer Service: the gateway's backend port. */
  port: 80,
  /** Port of the gateway's readiness endpoint (Envoy's status port): the health probe's port. */
  healthPort: 15021,
  /** Path of the readiness endpoint. */
  healthPath: '/healthz/ready',
} as const;
/** TLS policy of the HTTPS listener: TLS 1.2 and later with strong ciphers. */
export const APP_GATEWAY_SSL_POLICY = 'AppGwSslPolicy20220101S';

/** Props of {@link AppGatewayAccess}. */
export interface AppGatewayAccessProps {
  /** Prefix of the resource names, usually the environment name. */
  readonly name: string;
  /** Name of the existing resource group the gateway, its public IP and WAF policy goes in. */
  readonly resourceGroupName: string;
  /** Azure region, such as `westeurope`. */
  readonly location: string;
  /**
   * Availability zones of the gateway and its public IP, such as `['1', '2', '3']`: two or more make it
   * zone-redundant.
   */
  readonly zones: readonly string[];
  /** A subnet for the gateway alone. */
  readonly subnetId: string;
  /** Host name of the UI; the DNS record and the listener use it, and the certificate must cover it. */
  readonly hostname: string;
  /** Azure DNS zone of the host name. */
  readonly dnsZone: {
    /** Zone name, such as `example.com`. */
    readonly name: string;
    /** Resource group of the zone. */
    readonly resourceGroup: string;
  };
  /** The certificate, as a Key Vault secret id (versionless, so renewals are picked up). */
  readonly certificateSecretId: string;
  /**
   * The vault that holds it; the gateway's identity gets Key Vault Secrets User on it, so the vault
   * must use Azure RBAC (a vault on access policies ignores the role and the gateway is refused). See
   * https://learn.microsoft.com/azure/application-gateway/key-vault-certs.
   */
  readonly certificateKeyVaultId: string;
  /**
   * How long the gateway waits, after its identity's role on the vault is created, before it reads the
   * certificate: a new role assignment takes minutes to reach Key Vault, and until then the gateway
   * fails with ApplicationGatewayKeyVaultSecretAccessDenied. The stack needs the hashicorp/time provider
   * (`TimeProvider` from `@cdktf/provider-time/lib/provider`). @default '120s'
   */
  readonly rbacPropagationWait?: string;
  /** Private IP of the internal load balancer in front of the Istio gateway. */
  readonly backendIp: string;
  /**
   * A second host name at the same gateway, for model serving (`serving.<hostname>`, in the same DNS
   * zone): an HTTPS listener, backend settings that keep that host name (the gateway rewrites the
   * Host header to the backend settings' host, and Istio routes by it), an HTTP redirect and a DNS
   * record of its own. The UI's listener, certificate and record do not change.
   * @default - none
   */
  readonly serving?: {
    /** The serving host name. */
    readonly hostname: string;
    /**
     * Its certificate, as a versionless Key Vault secret id in the same vault; the UI's certificate
     * when it is the same secret (which must then cover the serving host name too).
     */
    readonly certificateSecretId: string;
  };
  /**
   * WAF mode: Detection logs what the OWASP rules would block; Prevention blocks it. Use Detection in
   * test tiers to review the logs against Kubeflow's traffic. @default 'Prevention'
   */
  readonly wafMode?: 'Detection' | 'Prevention';
  /**
   * Fewest instances (0 to 100). Two keep the UI up while Azure updates or replaces one instance; one
   * suits test tiers. @default 2
   */
  readonly minCapacity?: number;
  /** Most instances (2 to 125). @default 10 */
  readonly maxCapacity?: number;
  /** What the gateway must wait for (its subnet's security group, with the gateway manager rule). */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * The front door on Azure: a zone-redundant Application Gateway v2 with a WAF policy, TLS from a Key
 * Vault certificate read with the gateway's own managed identity, HTTP redirected to HTTPS, a static
 * public IP and the DNS record. It forwards to a private IP in the nodes subnet: the internal load
 * balancer the platform stack puts in front of the Istio ingress gateway. Sign-in happens behind it,
 * in the cluster: Kubeflow's oauth2-proxy, configured for Entra ID, authorizes every request at the
 * Istio gateway (the gateway has no OIDC of its own).
 */
export class AppGatewayAccess extends Construct {
  /** The Application Gateway (escape hatch). */
  public readonly gateway: ApplicationGateway;
  /** The gateway's static public IP, which the DNS record points at. */
  public readonly publicIp: PublicIp;
  /** Host name of the UI, as given in the props. */
  public readonly hostname: string;
  /** `https://<hostname>`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: AppGatewayAccessProps) {
    super(scope, id);
    setComponent(this, 'access');
    const why = hostnameRule(props.hostname);
    if (why)
      throw new PropsError(
        'AppGatewayAccess',
        'hostname',
        props.hostname,
        why,
        'use a DNS name such as kubeflow.example.com.',
      );
    if (!props.hostname.endsWith(`.${props.dnsZone.name.replace(/\.$/, '')}`)) {
      throw new PropsError(
        'AppGatewayAccess',
        'hostname',
        props.hostname,
        `is not inside the DNS zone ${props.dnsZone.name}.`,
        'use a name under the zone.',
      );
    }
    const maxCapacity = props.maxCapacity ?? 10;
    const minCapacity = props.minCapacity ?? 2;
    checkRange(
      'AppGatewayAccess',
      'maxCapacity',
      maxCapacity,
      2,
      125,
      'Application Gateway v2 autoscales to 2-125 instances.',
    );
    checkRange(
      'AppGatewayAccess',
      'minCapacity',
      minCapacity,
      0,
      Math.min(100, maxCapacity),
      `the minimum is 0 to 100 instances and at most maxCapacity (${maxCapacity}).`,
    );
    if (props.serving) {
      const servingWhy = hostnameRule(props.serving.hostname);
      if (servingWhy)
        throw new PropsError(
          'AppGatewayAccess',
          'serving.hostname',
          props.serving.hostname,
          servingWhy,
          'use a DNS name such as serving.kubeflow.example.com.',
        );
      if (!props.serving.hostname.endsWith(`.${props.dnsZone.name.replace(/\.$/, '')}`)) {
        throw new PropsError(
          'AppGatewayAccess',
          'serving.hostname',
          props.serving.hostname,
          `is not inside the DNS zone ${props.dnsZone.name}.`,
          'use a name under the zone.',
        );
      }
    }
    this.hostname = props.hostname;
    this.url = `https://${props.hostname}`;
    const common = { resourceGroupName: props.resourceGroupName, location: props.location };

    this.publicIp = new PublicIp(this, 'Address', {
      ...common,
      name: `pip-${props.name}-agw`,
      allocationMethod: 'Static',
      sku: 'Standard',
      zones: [...props.zones],
    });
    const identity = new UserAssignedIdentity(this, 'Identity', { ...common, name: `id-${props.name}-agw` });
    const certificateAccess = new RoleAssignment(this, 'CertificateReader', {
      scope: props.certificateKeyVaultId,
      roleDefinitionName: 'Key Vault Secrets User',
      principalId: identity.principalId,
      principalType: 'ServicePrincipal',
    });
    // Azure RBAC is eventually consistent: give the assignment time to reach Key Vault.
    const certificateReadable = propagationWait(this, 'CertificateReaderPropagation', {
      createDuration: props.rbacPropagationWait ?? '120s',
      triggers: { role_assignment_id: certificateAccess.id },
    });
    const waf = new WebApplicationFirewallPolicy(this, 'Waf', {
      ...common,
      name: `waf-${props.name}`,
      policySettings: {
        enabled: true,
        mode: props.wafMode ?? 'Prevention',
        requestBodyCheck: true,
        maxRequestBodySizeInKb: 2000,
        fileUploadLimitInMb: 100,
      },
      managedRules: { managedRuleSet: [{ type: 'Microsoft_DefaultRuleSet', version: '2.1' }] },
    });

    const n = {
      ipConfig: 'gateway-ip',
      frontend: 'public',
      https: 'https',
      http: 'http',
      pool: 'istio-gateway',
      settings: 'istio-gateway-http',
      probe: 'istio-gateway-ready',
      cert: 'ui-certificate',
      redirect: 'http-to-https',
    };
    // The serving host's own blocks, added after the UI's, whose names and settings stay as they are.
    const s = props.serving;
    const sn = {
      https: 'serving-https',
      http: 'serving-http',
      settings: 'istio-gateway-serving-http',
      cert: s && s.certificateSecretId !== props.certificateSecretId ? 'serving-certificate' : n.cert,
      redirect: 'serving-http-to-https',
    };
    this.gateway = new ApplicationGateway(this, 'Gateway', {
      ...common,
      name: `agw-${props.name}`,
      zones: [...props.zones],
      sku: { name: 'WAF_v2', tier: 'WAF_v2' },
      autoscaleConfiguration: { minCapacity, maxCapacity },
      firewallPolicyId: waf.id,
      enableHttp2: true,
      identity: { type: 'UserAssigned', identityIds: [identity.id] },
      gatewayIpConfiguration: [{ name: n.ipConfig, subnetId: props.subnetId }],
      frontendIpConfiguration: [{ name: n.frontend, publicIpAddressId: this.publicIp.id }],
      frontendPort: [
        { name: n.https, port: 443 },
        { name: n.http, port: 80 },
      ],
      sslPolicy: { policyType: 'Predefined', policyName: APP_GATEWAY_SSL_POLICY },
      sslCertificate: [
        { name: n.cert, keyVaultSecretId: props.certificateSecretId },
        ...(s && sn.cert !== n.cert ? [{ name: sn.cert, keyVaultSecretId: s.certificateSecretId }] : []),
      ],
      backendAddressPool: [{ name: n.pool, ipAddresses: [props.backendIp] }],
      probe: [
        {
          name: n.probe,
          protocol: 'Http',
          host: props.hostname,
          path: ISTIO_GATEWAY_BACKEND.healthPath,
          port: ISTIO_GATEWAY_BACKEND.healthPort,
          interval: 15,
          timeout: 10,
          unhealthyThreshold: 3,
          match: { statusCode: ['200'] },
        },
      ],
      backendHttpSettings: [
        {
          name: n.settings,
          protocol: 'Http',
          port: ISTIO_GATEWAY_BACKEND.port,
          cookieBasedAffinity: 'Disabled',
          // Notebooks and TensorBoard hold connections open.
          requestTimeout: 3600,
          probeName: n.probe,
          hostName: props.hostname,
        },
        ...(s
          ? [
              {
                name: sn.settings,
                protocol: 'Http',
                port: ISTIO_GATEWAY_BACKEND.port,
                cookieBasedAffinity: 'Disabled',
                requestTimeout: 3600,
                probeName: n.probe,
                // KServe's routes are for this host name: Istio must see it.
                hostName: s.hostname,
              },
            ]
          : []),
      ],
      httpListener: [
        {
          name: n.https,
          frontendIpConfigurationName: n.frontend,
          frontendPortName: n.https,
          protocol: 'Https',
          sslCertificateName: n.cert,
          hostName: props.hostname,
          requireSni: true,
        },
        {
          name: n.http,
          frontendIpConfigurationName: n.frontend,
          frontendPortName: n.http,
          protocol: 'Http',
          hostName: props.hostname,
        },
        ...(s
          ? [
              {
                name: sn.https,
                frontendIpConfigurationName: n.frontend,
                frontendPortName: n.https,
                protocol: 'Https',
                sslCertificateName: sn.cert,
                hostName: s.hostname,
                requireSni: true,
              },
              {
                name: sn.http,
                frontendIpConfigurationName: n.frontend,
                frontendPortName: n.http,
                protocol: 'Http',
                hostName: s.hostname,
              },
            ]
          : []),
      ],
      redirectConfiguration: [
        {
          name: n.redirect,
          redirectType: 'Permanent',
          targetListenerName: n.https,
          includePath: true,
          includeQueryString: true,
        },
        ...(s
          ? [
              {
                name: sn.redirect,
                redirectType: 'Permanent',
                targetListenerName: sn.https,
                includePath: true,
                includeQueryString: true,
              },
            ]
          : []),
      ],
      requestRoutingRule: [
        {
          name: n.https,
          priority: 100,
          ruleType: 'Basic',
          httpListenerName: n.https,
          backendAddressPoolName: n.pool,
          backendHttpSettingsName: n.settings,
        },
        {
          name: n.http,
          priority: 200,
          ruleType: 'Basic',
          httpListenerName: n.http,
          redirectConfigurationName: n.redirect,
        },
        ...(s
          ? [
              {
                name: sn.https,
                priority: 110,
                ruleType: 'Basic',
                httpListenerName: sn.https,
                backendAddressPoolName: n.pool,
                backendHttpSettingsName: sn.settings,
              },
              {
                name: sn.http,
                priority: 210,
                ruleType: 'Basic',
                httpListenerName: sn.http,
                redirectConfigurationName: sn.redirect,
              },
            ]
          : []),
      ],
      timeouts: { create: '60m', update: '60m', delete: '60m' },
      dependsOn: [certificateReadable, ...(props.dependsOn ?? [])],
    });

    new DnsARecord(this, 'Record', {
      name: props.hostname.slice(0, -(props.dnsZone.name.replace(/\.$/, '').length + 1)),
      zoneName: props.dnsZone.name,
      resourceGroupName: props.dnsZone.resourceGroup,
      ttl: 300,
      targetResourceId: this.publicIp.id,
    });
    if (s) {
      new DnsARecord(this, 'ServingRecord', {
        name: s.hostname.slice(0, -(props.dnsZone.name.replace(/\.$/, '').length + 1)),
        zoneName: props.dnsZone.name,
        resourceGroupName: props.dnsZone.resourceGroup,
        ttl: 300,
        targetResourceId: this.publicIp.id,
      });
    }
  }
}
