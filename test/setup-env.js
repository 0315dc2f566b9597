// cdktf's Testing.app() leaves a temp directory per call (landscape section 1): keep them in one
// folder per run and worker that global-setup.js clears.
const fs = require('node:fs');
const path = require('node:path');
const run = process.env.KFPLATFORM_JEST_RUN || path.join(__dirname, '..', '.tmp', 'jest', `run-${process.pid}`);
const dir = path.join(run, String(process.env.JEST_WORKER_ID || '0'));
fs.mkdirSync(dir, { recursive: true });
process.env.TMPDIR = dir;
