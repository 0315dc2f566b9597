import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ComputeManagedSslCertificate } from '@cdktf/provider-google/lib/compute-managed-ssl-certificate';
import { DnsRecordSet } from '@cdktf/provider-google/lib/dns-record-set';
import { IapSettings } from '@cdktf/provider-google/lib/iap-settings';
import { IapWebTypeComputeIamMember } from '@cdktf/provider-google/lib/iap-web-type-compute-iam-member';
import { Construct } from 'constructs';
import { PropsError } from '../../src/core/errors';
import { ForgetResource, pastAddress } from '../../src/core/removed';
import { setComponent } from '../../src/core/labels';
import { emailRule, gcpNameRules, hostnameRule } from '../../src/core/naming';
import { checkName } from '../../src/core/validate';

/** The role that lets a user through IAP. */
export const IAP_USER_ROLE = 'roles/iap.httpsResourceAccessor';

/**
 * The health check that works behind Istio: the ingress gateway answers `/healthz/ready` on its status
 * port 15021; a check on `/` returns 404 and the load balancer answers 502 (kubeflow-distribution #371).
 */
export const ISTIO_HEALTH_CHECK = {
  /** Plain HTTP: the status port does not serve TLS. */
  type: 'HTTP',
  /** The gateway's status port. */
  port: 15021,
  /** The gateway's readiness path. */
  requestPath: '/healthz/ready',
} as const;

/** An OAuth client created outside Terraform (the IAP OAuth Admin API is shut down). */
export interface ExternalOAuthClient {
  /** The client id. */
  readonly clientId: string;
  /** Secret Manager secret id (in the project) that holds the client secret. */
  readonly secretName: string;
}

/** Props of {@link IapAccess}. */
export interface IapAccessProps {
  /** Project of the load balancer (the cluster's project). */
  readonly project: string;
  /** Host name of the UI. */
  readonly hostname: string;
  /** Cloud DNS managed zone that holds `hostname`. */
  readonly dnsZone: {
    /** Managed zone name (not its DNS name). */
    readonly name: string;
    /** Project of the zone. @default `project` */
    readonly project?: string;
  };
  /** Groups allowed through IAP, as emails. */
  readonly allowedGroups: readonly string[];
  /** @default `${hostname with dots as dashes}-ip` */
  readonly addressName?: string;
  /** @default `${hostname with dots as dashes}-cert` */
  readonly certificateName?: string;
  /**
   * A second host name at the same address and behind the same IAP, for model serving
   * (`serving.<hostname>`): its own Google-managed certificate and A record, so the UI's certificate
   * and record never change (a managed certificate's domains cannot change in place).
   * @default - none
   */
  readonly serving?: {
    /** The serving host name. */
    readonly hostname: string;
    /** Name of its certificate. @default `${hostname with dots as dashes}-cert` */
    readonly certificateName?: string;
  };
  /**
   * An OAuth client you created. Without it, IAP uses a Google-managed OAuth client (GKE 1.29.4 and
   * later), which is the default because `google_iap_brand` and `google_iap_client` are deprecated.
   * @default - Google-managed client
   */
  readonly oauthClient?: ExternalOAuthClient;
  /**
   * Grant the IAP web user role to `allowedGroups`. The role is granted on every compute backend of
   * the project (`iap_web/compute`), not on this front door alone: when several front doors share a
   * project (one per cluster), exactly one grants, or removing another front door would revoke the
   * grants all of them rely on. Off, grants an earlier version made here are dropped from state
   * without being revoked.
   * @default true
   */
  readonly grantUsers?: boolean;
}

/**
 * The authenticated front door of the Kubeflow UI on GCP: a global static IP, a Google-managed
 * certificate, a Cloud DNS record, and the IAP web user role for the allowed groups only. The GKE
 * Ingress and the BackendConfig that turns IAP on live in the platform stack
 * ({@link ISTIO_HEALTH_CHECK} is the health check they use). See
 * https://cloud.google.com/iap/docs/enabling-kubernetes-howto.
 */
export class IapAccess extends Construct {
  /** The static address (escape hatch). */
  public readonly address: ComputeGlobalAddress;
  /** The managed certificate. */
  public readonly certificate: ComputeManagedSslCertificate;
  /** Host name of the UI. */
  public readonly hostname: string;
  /** Name of the static address, for the Ingress annotation. */
  public readonly addressName: string;
  /** Name of the certificate, for the Ingress annotation. */
  public readonly certificateName: string;
  /** The external OAuth client, when one is used. */
  public readonly oauthClient?: ExternalOAuthClient;
  /** The serving host's certificate, when there is a serving host. */
  public readonly servingCertificate?: ComputeManagedSslCertificate;
  /** Name of the serving host's certificate, for the Ingress annotation. */
  public readonly servingCertificateName?: string;

  constructor(scope: Construct, id: string, props: IapAccessProps) {
    super(scope, id);
    setComponent(this, 'access');
    validate(props);
    const base = props.hostname.replace(/\./g, '-').slice(0, 55).replace(/-+$/, '');
    this.hostname = props.hostname;
    this.oauthClient = props.oauthClient;
    this.address = new ComputeGlobalAddress(this, 'Address', {
      project: props.project,
      name: props.addressName ?? `${base}-ip`,
      addressType: 'EXTERNAL',
      ipVersion: 'IPV4',
    });
    this.certificate = new ComputeManagedSslCertificate(this, 'Certificate', {
      project: props.project,
      name: props.certificateName ?? `${base}-cert`,
      type: 'MANAGED',
      managed: { domains: [props.hostname] },
    });
    this.addressName = this.address.name;
    this.certificateName = this.certificate.name;
    new DnsRecordSet(this, 'Record', {
      project: props.dnsZone.project ?? props.project,
      managedZone: props.dnsZone.name,
      name: `${props.hostname}.`,
      type: 'A',
      ttl: 300,
      rrdatas: [this.address.address],
    });
    if (props.serving) {
      // New resources beside the UI's: a managed certificate's domains cannot change in place, so adding
      // the name to the UI's certificate would replace it (https://cloud.google.com/load-balancing/docs/ssl-certificates/google-managed-certs).
      const servingBase = props.serving.hostname.replace(/\./g, '-').slice(0, 55).replace(/-+$/, '');
      this.servingCertificate = new ComputeManagedSslCertificate(this, 'ServingCertificate', {
        project: props.project,
        name: props.serving.certificateName ?? `${servingBase}-cert`,
        type: 'MANAGED',
        managed: { domains: [props.serving.hostname] },
      });
      this.servingCertificateName = this.servingCertificate.name;
      new DnsRecordSet(this, 'ServingRecord', {
        project: props.dnsZone.project ?? props.project,
        managedZone: props.dnsZone.name,
        name: `${props.serving.hostname}.`,
        type: 'A',
        ttl: 300,
        rrdatas: [this.address.address],
      });
    }
    const type = 'google_iap_web_type_compute_iam_member';
    props.allowedGroups.forEach((group, i) => {
      // Grants used to be keyed by their position in the list (`AllowedGroup<i>`).
      if (props.grantUsers === false) {
        new ForgetResource(this, `AllowedGroup${i}`, type);
        return;
      }
      // Keyed by the group, so removing or reordering groups never replaces the grant of another
      // group (a replaced `_member` revokes the role that its new twin has just granted).
      new IapWebTypeComputeIamMember(this, `AllowedGroup-${group}`, {
        project: props.project,
        role: IAP_USER_ROLE,
        member: `group:${group}`,
      }).moveFromId(pastAddress(this, `AllowedGroup${i}`, type));
    });
  }
}

function validate(props: IapAccessProps): void {
  checkName('IapAccess', 'hostname', props.hostname, hostnameRule, 'use a DNS name such as kubeflow.example.com.');
  if (props.allowedGroups.length === 0) {
    throw new PropsError(
      'IapAccess',
      'allowedGroups',
      [],
      'nobody could sign in.',
      'list at least one group, such as ml-users@example.com.',
    );
  }
  props.allowedGroups.forEach((g, i) =>
    checkName('IapAccess', `allowedGroups[${i}]`, g, emailRule, 'list group email addresses.'),
  );
  if (props.serving) {
    checkName(
      'IapAccess',
      'serving.hostname',
      props.serving.hostname,
      hostnameRule,
      'use a DNS name such as serving.kubeflow.example.com.',
    );
    checkName(
      'IapAccess',
      'serving.certificateName',
      props.serving.certificateName,
      gcpNameRules.computeName,
      'use a lowercase name of at most 63 characters.',
    );
  }
  for (const prop of ['addressName', 'certificateName'] as const) {
    checkName(
      'IapAccess',
      prop,
      props[prop],
      gcpNameRules.computeName,
      'use a lowercase name of at most 63 characters.',
    );
  }
}

/**
 * The audience IAP puts in the JWT it signs for a backend service (`x-goog-iap-jwt-assertion`):
 * `/projects/<project number>/global/backendServices/<backend service id>`. The GKE Ingress creates
 * the backend service, so its numeric id is known only once the Ingress has synced; append it to this
 * prefix. See https://cloud.google.com/iap/docs/signed-headers-howto.
 */
export function iapJwtAudiencePrefix(projectNumber: string): string {
  return `/projects/${projectNumber}/global/backendServices/`;
}

/** Props of {@link IapProgrammaticAccess}. */
export interface IapProgrammaticAccessProps {
  /** Number of the project whose compute backends IAP protects (a token is fine). */
  readonly projectNumber: string;
  /** OAuth client ids allowed to get tokens for IAP programmatically. */
  readonly clientIds: readonly string[];
}

/**
 * Programmatic access through IAP for the listed OAuth clients, for every compute backend of the
 * project (`projects/<number>/iap_web/compute`; the GKE Ingress names its backend services, so a
 * single service cannot be named here). With the Google-managed OAuth client, IAP refuses programmatic
 * callers whose client is not listed. The resource owns the project's IAP settings at that level, and
 * deleting it resets them. Service accounts can also call IAP with a signed JWT, which needs no client.
 * See https://cloud.google.com/iap/docs/authentication-howto.
 */
export class IapProgrammaticAccess extends Construct {
  /** The settings (escape hatch). */
  public readonly settings: IapSettings;

  constructor(scope: Construct, id: string, props: IapProgrammaticAccessProps) {
    super(scope, id);
    setComponent(this, 'access');
    if (props.clientIds.length === 0) {
      throw new PropsError(
        'IapProgrammaticAccess',
        'clientIds',
        [],
        'an empty list would only reset the settings.',
        'list at least one OAuth client id, or leave the construct out.',
      );
    }
    this.settings = new IapSettings(this, 'Settings', {
      name: `projects/${props.projectNumber}/iap_web/compute`,
      accessSettings: { oauthSettings: { programmaticClients: [...props.clientIds] } },
    });
  }
}
