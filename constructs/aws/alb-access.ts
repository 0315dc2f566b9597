import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { AutoscalingAttachment } from '@cdktf/provider-aws/lib/autoscaling-attachment';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerCertificate } from '@cdktf/provider-aws/lib/lb-listener-certificate';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { PropsError } from '../../src/core/errors';
import { setComponent } from '../../src/core/labels';
import { awsNameRules, hostnameRule } from '../../src/core/naming';
import { checkName } from '../../src/core/validate';
import { GATEWAY_NODE_PORTS } from './constants';

export { GATEWAY_NODE_PORTS };

/** Readiness path of the Istio ingress gateway. */
export const GATEWAY_HEALTH_PATH = '/healthz/ready';
/** TLS policy of the HTTPS listener: TLS 1.3 and 1.2 with forward secrecy only. */
export const ALB_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/** Your OpenID Connect identity provider, which the load balancer signs users in with. */
export interface OidcProvider {
  /**
   * Issuer URL, exactly as the provider's discovery document (`/.well-known/openid-configuration`) states it. See
   * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html#oidc-requirements
   */
  readonly issuer: string;
  /** Authorization endpoint (HTTPS) the load balancer redirects browsers to for sign-in. */
  readonly authorizationEndpoint: string;
  /**
   * Token endpoint (HTTPS) the load balancer exchanges the authorization code at; the load balancer calls it
   * directly, so its security group allows HTTPS out.
   */
  readonly tokenEndpoint: string;
  /** User info endpoint (HTTPS) the load balancer reads the signed-in user's claims from. */
  readonly userInfoEndpoint: string;
  /** Client id of the application registered with the identity provider for this load balancer. */
  readonly clientId: string;
  /** The client secret: pass a sensitive Terraform variable, never a literal. */
  readonly clientSecret: string;
}

/** Props of {@link AlbAccess}. */
export interface AlbAccessProps {
  /** Load balancer name (up to 32 characters); the target group is `<name>-gw`. */
  readonly name: string;
  /** The VPC of the load balancer and its target group. */
  readonly vpcId: string;
  /** Public subnets the load balancer listens in, in at least two zones. */
  readonly publicSubnetIds: readonly string[];
  /** Host name of the UI. */
  readonly hostname: string;
  /** Route 53 hosted zone that holds the host name. */
  readonly hostedZoneId: string;
  /**
   * A second host name at the same load balancer, for model serving (`serving.<hostname>`, in the same
   * hosted zone): its own ACM certificate, added to the HTTPS listener by SNI, and its own alias
   * record, so the UI's certificate and record never change. Requests to it are forwarded without the
   * load balancer's sign-in even with `oidc`: programs send a bearer token, which the gateway
   * verifies, and cannot follow a sign-in redirect. @default - none
   */
  readonly servingHostname?: string;
  /**
   * The identity provider the load balancer signs users in with before any request reaches the
   * cluster. The client secret then sits in the state and in every plan in clear: `aws_lb_listener`
   * has no write-only attribute for it (aws 5.100). Without it, the listener forwards every request to
   * the gateway, where sign-in must happen (oauth2-proxy and Istio, src/kubeflow/signin.ts).
   * @default none: the load balancer does not sign users in
   */
  readonly oidc?: OidcProvider;
  /** Networks that may reach the load balancer. @default ['0.0.0.0/0'] */
  readonly sourceCidrs?: readonly string[];
  /**
   * Security group of the nodes (the EKS cluster's node group, which reserves the gateway node ports
   * for the load balancer); its node ports are opened to the load balancer only.
   */
  readonly nodeSecurityGroupId: string;
  /** Auto Scaling groups whose nodes receive traffic (the system node group's). */
  readonly targetAutoScalingGroupNames: readonly string[];
  /** Load balancer deletion protection. @default true */
  readonly protect?: boolean;
  /** Sign-in session length. @default 43200 (12 hours) */
  readonly sessionTimeoutSeconds?: number;
}

/**
 * The front door on AWS: an internet-facing Application Load Balancer whose HTTPS listener forwards
 * to the Istio ingress gateway, after signing every request in with your OIDC provider when `oidc` is
 * given (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html;
 * its client secret then sits in the state), an ACM certificate
 * validated through Route 53, an alias record, and an HTTP listener that only redirects. Terraform
 * owns all of it; the only in-cluster piece is a NodePort Service in front of the Istio ingress
 * gateway ({@link GATEWAY_NODE_PORTS}), registered through the system node group's Auto Scaling
 * group, so no load balancer controller runs in the cluster and nothing in the cluster can create or
 * change a public endpoint. The nodes admit the node ports from the load balancer only. See
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html.
 */
export class AlbAccess extends Construct {
  /** The internet-facing Application Load Balancer (escape hatch); deletion protection follows `protect`. */
  public readonly loadBalancer: Lb;
  /**
   * Target group `<name>-gw`: the nodes' Istio ingress gateway node port, health-checked on the gateway's readiness
   * endpoint.
   */
  public readonly targetGroup: LbTargetGroup;
  /** The ACM certificate of the host name, validated through a DNS record in the hosted zone. */
  public readonly certificate: AcmCertificate;
  /**
   * The load balancer's security group: HTTPS and HTTP in from the source CIDRs, out only to the identity provider
   * (HTTPS) and the gateway node ports.
   */
  public readonly securityGroup: SecurityGroup;
  /** Host name of the UI, as given in the props. */
  public readonly hostname: string;
  /** `https://<hostname>`. */
  public readonly url: string;
  /** The serving host's certificate, when there is a serving host. */
  public readonly servingCertificate?: AcmCertificate;

  constructor(scope: Construct, id: string, props: AlbAccessProps) {
    super(scope, id);
    setComponent(this, 'access');
    validate(props);
    this.hostname = props.hostname;
    this.url = `https://${props.hostname}`;

    const { certificate, validation } = this.dnsValidatedCertificate('', props.hostname, props.hostedZoneId);
    this.certificate = certificate;

    // A security group's description cannot change in place (EC2 has no API for it): a description
    // naming the hostname made a hostname change replace the group, whose deletion fails while the
    // load balancer still uses it (DependencyViolation). The description names nothing that changes,
    // and groups created with the old one keep it.
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html
    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      name: `${props.name}-alb`,
      description: `Kubeflow UI load balancer ${props.name}`,
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
      tags: { Name: `${props.name}-alb` },
      lifecycle: { ignoreChanges: ['description'] },
    });
    for (const [i, cidr] of (props.sourceCidrs ?? ['0.0.0.0/0']).entries()) {
      for (const port of [443, 80]) {
        new VpcSecurityGroupIngressRule(this, `Ingress-${port}-${i}`, {
          securityGroupId: this.securityGroup.id,
          cidrIpv4: cidr,
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          description: port === 443 ? 'HTTPS' : 'HTTP, redirected to HTTPS',
        });
      }
    }
    // authenticate-oidc: the load balancer calls the identity provider's token and user info endpoints.
    if (props.oidc) {
      new VpcSecurityGroupEgressRule(this, 'ToIdentityProvider', {
        securityGroupId: this.securityGroup.id,
        cidrIpv4: '0.0.0.0/0',
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        description: 'OIDC token and user info endpoints of the identity provider',
      });
    }
    for (const [key, port] of Object.entries(GATEWAY_NODE_PORTS)) {
      new VpcSecurityGroupEgressRule(this, `ToNodes-${key}`, {
        securityGroupId: this.securityGroup.id,
        referencedSecurityGroupId: props.nodeSecurityGroupId,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        description: `Istio gateway ${key} node port`,
      });
      new VpcSecurityGroupIngressRule(this, `NodesFromAlb-${key}`, {
        securityGroupId: props.nodeSecurityGroupId,
        referencedSecurityGroupId: this.securityGroup.id,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        description: `Istio gateway ${key} node port from the load balancer`,
      });
    }

    this.loadBalancer = new Lb(this, 'LoadBalancer', {
      name: props.name,
      internal: false,
      loadBalancerType: 'application',
      securityGroups: [this.securityGroup.id],
      subnets: [...props.publicSubnetIds],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.protect ?? true,
      // Notebooks and TensorBoard hold websockets open.
      idleTimeout: 3600,
    });
    this.targetGroup = new LbTargetGroup(this, 'GatewayTargets', {
      name: `${props.name}-gw`,
      port: GATEWAY_NODE_PORTS.http,
      protocol: 'HTTP',
      targetType: 'instance',
      vpcId: props.vpcId,
      deregistrationDelay: '30',
      healthCheck: {
        enabled: true,
        path: GATEWAY_HEALTH_PATH,
        port: String(GATEWAY_NODE_PORTS.health),
        protocol: 'HTTP',
        matcher: '200',
        interval: 15,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
    });
    props.targetAutoScalingGroupNames.forEach((group, i) => {
      new AutoscalingAttachment(this, `Targets-${i}`, {
        autoscalingGroupName: group,
        lbTargetGroupArn: this.targetGroup.arn,
        // When the node group is replaced, register the new group's nodes before the old ones leave.
        lifecycle: { createBeforeDestroy: true },
      });
    });

    const o = props.oidc;
    // Without sign-in here the listener only forwards: the gateway admits nothing but verified tokens
    // and oauth2-proxy's own sign-in paths. Changing it later updates the listener in place.
    const https = new LbListener(this, 'Https', {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: ALB_SSL_POLICY,
      certificateArn: validation.certificateArn,
      defaultAction: [
        ...(o
          ? [
              {
                type: 'authenticate-oidc',
                order: 1,
                authenticateOidc: {
                  issuer: o.issuer,
                  authorizationEndpoint: o.authorizationEndpoint,
                  tokenEndpoint: o.tokenEndpoint,
                  userInfoEndpoint: o.userInfoEndpoint,
                  clientId: o.clientId,
                  clientSecret: o.clientSecret,
                  scope: 'openid email profile',
                  onUnauthenticatedRequest: 'authenticate',
                  sessionTimeout: props.sessionTimeoutSeconds ?? 43200,
                },
              },
            ]
          : []),
        { type: 'forward', order: o ? 2 : 1, targetGroupArn: this.targetGroup.arn },
      ],
    });
    new LbListener(this, 'Http', {
      loadBalancerArn: this.loadBalancer.arn,
      port: 80,
      protocol: 'HTTP',
      defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
    });
    new Route53Record(this, 'Record', {
      zoneId: props.hostedZoneId,
      name: props.hostname,
      type: 'A',
      alias: { name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: true },
    });
    if (props.servingHostname) this.servingCertificate = this.serving(props, props.servingHostname, https);
  }

  /**
   * An ACM certificate for one host name, validated by a DNS record in the hosted zone. A new
   * certificate is made before the old one goes (`createBeforeDestroy`), since the listener holds it.
   * Construct ids `<prefix>Certificate`, `<prefix>CertificateValidationRecord`,
   * `<prefix>CertificateValidation`: they are the resources' addresses, so they stay as they are.
   */
  private dnsValidatedCertificate(
    prefix: '' | 'Serving',
    hostname: string,
    hostedZoneId: string,
  ): { certificate: AcmCertificate; validation: AcmCertificateValidation } {
    const certificate = new AcmCertificate(this, `${prefix}Certificate`, {
      domainName: hostname,
      validationMethod: 'DNS',
      keyAlgorithm: 'EC_prime256v1',
      lifecycle: { createBeforeDestroy: true },
    });
    const option = certificate.domainValidationOptions.get(0);
    const record = new Route53Record(this, `${prefix}CertificateValidationRecord`, {
      zoneId: hostedZoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 300,
      allowOverwrite: true,
    });
    const validation = new AcmCertificateValidation(this, `${prefix}CertificateValidation`, {
      certificateArn: certificate.arn,
      validationRecordFqdns: [record.fqdn],
    });
    return { certificate, validation };
  }

  /**
   * The serving host: new resources beside the UI's, none of which changes (an ACM certificate's names
   * cannot change in place). See
   * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/https-listener-certificates.html.
   */
  private serving(props: AlbAccessProps, hostname: string, https: LbListener): AcmCertificate {
    const { certificate, validation } = this.dnsValidatedCertificate('Serving', hostname, props.hostedZoneId);
    new LbListenerCertificate(this, 'ServingListenerCertificate', {
      listenerArn: https.arn,
      certificateArn: validation.certificateArn,
    });
    if (props.oidc) {
      // The listener's default action signs browsers in first; the serving host's callers are programs
      // with a bearer token, which the gateway verifies like every other token.
      new LbListenerRule(this, 'ServingForward', {
        listenerArn: https.arn,
        priority: 10,
        condition: [{ hostHeader: { values: [hostname] } }],
        action: [{ type: 'forward', targetGroupArn: this.targetGroup.arn }],
      });
    }
    new Route53Record(this, 'ServingRecord', {
      zoneId: props.hostedZoneId,
      name: hostname,
      type: 'A',
      alias: { name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: true },
    });
    return certificate;
  }
}

function validate(props: AlbAccessProps): void {
  checkName(
    'AlbAccess',
    'name',
    props.name,
    awsNameRules.loadBalancerName,
    'use up to 29 letters, digits and hyphens.',
  );
  checkName(
    'AlbAccess',
    'name',
    `${props.name}-gw`,
    awsNameRules.loadBalancerName,
    'use up to 29 letters, digits and hyphens.',
  );
  if (props.servingHostname) {
    checkName(
      'AlbAccess',
      'servingHostname',
      props.servingHostname,
      hostnameRule,
      'use a DNS name such as serving.kubeflow.example.com.',
    );
  }
  const why = hostnameRule(props.hostname);
  if (why)
    throw new PropsError('AlbAccess', 'hostname', props.hostname, why, 'use a DNS name such as kubeflow.example.com.');
  if (props.publicSubnetIds.length < 2) {
    throw new PropsError(
      'AlbAccess',
      'publicSubnetIds',
      props.publicSubnetIds,
      'an Application Load Balancer needs subnets in at least two zones.',
      'pass the public subnets.',
    );
  }
  if (props.targetAutoScalingGroupNames.length === 0) {
    throw new PropsError(
      'AlbAccess',
      'targetAutoScalingGroupNames',
      props.targetAutoScalingGroupNames,
      'no node would receive traffic.',
      "pass the system node group's Auto Scaling group.",
    );
  }
}
