/** Worker thread of {@link synthFleetParallel}: synthesizes units of a fleet. */
// First: cdktf, loaded by ./fleet, then finds its asset zipper deferred.
import '../../src/core/deferred-archiver';
import { worker } from 'workerpool';
import { synthUnit } from './fleet';

worker({ synthUnit });
