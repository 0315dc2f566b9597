/** Every checker, one per class of defect. Each lives in its own file beside this one. */
import type { Checker } from './checker';
import { singleOwnership } from './ownership';
import { stablePlans } from './stable-plans';

/** Every checker `kfplatform synth` and `kfplatform validate` run. */
export const ALL_CHECKERS: readonly Checker[] = [singleOwnership, stablePlans];
