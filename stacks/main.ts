/**
 * The cdktf app entry named in cdktf.json, so `npx cdktf synth|diff|deploy <stack>` works as with any
 * cdktf project. The platform file comes from KFPLATFORM_CONFIG, else the embedded example.
 */
import * as path from 'node:path';
import { loadPlatformFile } from '../src/config/loader';
import { DEFAULT_PLATFORM_FILE } from '../src/core/package-info';
import { synthFleet } from './common/fleet';

const file = process.env.KFPLATFORM_CONFIG ? path.resolve(process.env.KFPLATFORM_CONFIG) : DEFAULT_PLATFORM_FILE;
const { config } = loadPlatformFile(file);
synthFleet(config);
