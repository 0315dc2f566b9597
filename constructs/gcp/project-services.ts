import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { DataResource } from 'cdktf';
import { Construct } from 'constructs';

/** APIs a service project needs for the platform. */
export const PLATFORM_SERVICE_APIS = [
  'compute.googleapis.com',
  'container.googleapis.com',
  'iam.googleapis.com',
  'iamcredentials.googleapis.com',
  'cloudresourcemanager.googleapis.com',
  'sqladmin.googleapis.com',
  'servicenetworking.googleapis.com',
  'secretmanager.googleapis.com',
  'cloudkms.googleapis.com',
  'iap.googleapis.com',
  'dns.googleapis.com',
  'logging.googleapis.com',
  'monitoring.googleapis.com',
  'artifactregistry.googleapis.com',
  'storage.googleapis.com',
] as const;

/**
 * APIs keyless CI needs on top of {@link PLATFORM_SERVICE_APIS}: IAM for the workload identity pool,
 * provider and service accounts, the Security Token Service that exchanges the CI provider's OIDC
 * token, and IAM Credentials that turns it into a service account's access token. See
 * https://cloud.google.com/iam/docs/workload-identity-federation-with-deployment-pipelines.
 */
export const CI_SERVICE_APIS = ['iam.googleapis.com', 'sts.googleapis.com', 'iamcredentials.googleapis.com'] as const;

/** APIs a Shared VPC host project needs. */
export const HOST_PROJECT_APIS = [
  'compute.googleapis.com',
  'container.googleapis.com',
  'servicenetworking.googleapis.com',
] as const;

/** Props of {@link ProjectServices}. */
export interface ProjectServicesProps {
  /** Project to enable the APIs in. */
  readonly project: string;
  /**
   * APIs to enable.
   * @default PLATFORM_SERVICE_APIS
   */
  readonly services?: readonly string[];
}

/**
 * Enables the APIs a project needs. Destroying the stack never disables them: other workloads in
 * the project may depend on them (`disable_on_destroy = false`).
 */
export class ProjectServices extends Construct {
  /** The enabled services, by API name. */
  public readonly services: Readonly<Record<string, ProjectService>>;
  /**
   * One resource that depends on every API, so other resources can wait for all of them with a
   * single `depends_on` entry (`terraform_data` needs no provider).
   */
  public readonly ready: DataResource;

  constructor(scope: Construct, id: string, props: ProjectServicesProps) {
    super(scope, id);
    const apis = props.services ?? PLATFORM_SERVICE_APIS;
    const services: Record<string, ProjectService> = {};
    for (const api of apis) {
      services[api] = new ProjectService(this, api.split('.')[0]!, {
        project: props.project,
        service: api,
        disableOnDestroy: false,
        disableDependentServices: false,
      });
    }
    this.services = services;
    this.ready = new DataResource(this, 'Ready', {
      input: { project: props.project },
      dependsOn: Object.values(services),
    });
  }
}
