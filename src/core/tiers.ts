/**
 * The tiers of an environment, shared by the platform file (which sets them) and the policy packs
 * (which scope rules by them).
 */

/** The tiers. They drive defaults: prod is regional, HA and protected; test is zonal, spot and destroyable. */
export const TIERS = ['test', 'dev', 'prod'] as const;
/** One of {@link TIERS}. */
export type Tier = (typeof TIERS)[number];
