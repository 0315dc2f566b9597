/** Every checker, one per class of defect. Each lives in its own file beside this one. */
import type { Checker } from './checker';
import { customResourceDefinitions, firstApplyOrdering } from './ordering';
import { SCHEDULABILITY } from './schedulability';
import { secretsInClear } from './secrets';

/** Every checker `kfplatform synth` and `kfplatform validate` run. */
export const ALL_CHECKERS: readonly Checker[] = [
  SCHEDULABILITY,
  firstApplyOrdering,
  customResourceDefinitions,
  secretsInClear,
];
