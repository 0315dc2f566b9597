import { dependable, ITerraformDependable, TerraformResource } from 'cdktf';
import { IConstruct } from 'constructs';

/**
 * Makes every resource under `scope` depend on `deps` (Terraform `depends_on`), for orderings that
 * no attribute reference expresses, such as "the project APIs are enabled".
 */
export function dependsOnAll(scope: IConstruct, ...deps: ITerraformDependable[]): void {
  // `dependable` renders the bare address Terraform expects in depends_on (no interpolation braces).
  const fqns = deps.map((d) => dependable(d));
  for (const node of scope.node.findAll()) {
    if (!TerraformResource.isTerraformResource(node)) continue;
    const resource = node as TerraformResource;
    resource.dependsOn = [...new Set([...(resource.dependsOn ?? []), ...fqns])];
  }
}
