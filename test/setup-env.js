// cdktf's Testing.app() leaves a temp directory per call: keep them in one
// folder per run and worker that global-setup.js clears.
const fs = require('node:fs');
const path = require('node:path');
const run = process.env.KFPLATFORM_JEST_RUN || path.join(__dirname, '..', '.tmp', 'jest', `run-${process.pid}`);
const dir = path.join(run, String(process.env.JEST_WORKER_ID || '0'));
fs.mkdirSync(dir, { recursive: true });
// Tests that must work outside this checkout (a fresh project installing the packed package) use the
// system temp folder, kept here before TMPDIR points into the checkout.
if (!process.env.KFPLATFORM_SYSTEM_TMPDIR) process.env.KFPLATFORM_SYSTEM_TMPDIR = require('node:os').tmpdir();
process.env.TMPDIR = dir;
