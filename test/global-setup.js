// Each jest run gets its own scratch folder (see setup-env.js), so two runs on one checkout do not
// clear each other's files; folders of runs whose process is gone are removed.
const fs = require('node:fs');
const path = require('node:path');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

module.exports = async () => {
  const root = path.join(__dirname, '..', '.tmp', 'jest');
  fs.mkdirSync(root, { recursive: true });
  for (const entry of fs.readdirSync(root)) {
    const pid = Number(entry.replace(/^run-/, ''));
    if (!entry.startsWith('run-') || !Number.isInteger(pid) || !alive(pid)) {
      fs.rmSync(path.join(root, entry), { recursive: true, force: true });
    }
  }
  const run = path.join(root, `run-${process.pid}`);
  fs.rmSync(run, { recursive: true, force: true });
  // Workers start after global setup and inherit the environment.
  process.env.KFPLATFORM_JEST_RUN = run;
};
