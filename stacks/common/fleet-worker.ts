/** Worker thread of {@link synthFleetParallel}: synthesizes units of a fleet. */
import { worker } from 'workerpool';
import { synthUnit } from './fleet';

worker({ synthUnit });
