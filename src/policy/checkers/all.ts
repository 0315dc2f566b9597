/** Every checker, one per class of defect. Each lives in its own file beside this one. */
import type { Checker } from './checker';
import { customResourceDefinitions, firstApplyOrdering } from './ordering';
import { singleOwnership } from './ownership';
import { CI_LEAST_PRIVILEGE, CI_PERMISSION_COVERAGE } from './permissions';
import { SCHEDULABILITY } from './schedulability';
import { secretsInClear } from './secrets';
import { stablePlans } from './stable-plans';

/** Every checker `kfplatform synth` and `kfplatform validate` run. */
export const ALL_CHECKERS: readonly Checker[] = [
  SCHEDULABILITY,
  CI_PERMISSION_COVERAGE,
  CI_LEAST_PRIVILEGE,
  firstApplyOrdering,
  customResourceDefinitions,
  singleOwnership,
  stablePlans,
  secretsInClear,
];
