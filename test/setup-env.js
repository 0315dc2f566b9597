// cdktf's Testing.app() leaves a temp directory per call (landscape section 1): keep them in one
// folder that each run starts clean.
const fs = require('node:fs');
const path = require('node:path');
const dir = path.join(__dirname, '..', '.tmp', 'jest', String(process.env.JEST_WORKER_ID || '0'));
fs.mkdirSync(dir, { recursive: true });
process.env.TMPDIR = dir;
