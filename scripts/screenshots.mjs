// Takes the README's screenshots from the real desktop app: it starts
// tauri-driver, opens the app on a fresh data folder, seeds a few jobs through
// the app's own API, and saves a PNG of each view in docs/screenshots/.
// Run it through scripts/screenshots.sh (which provides Xvfb and a session bus).

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const app = join(root, 'target/debug/chime');
const out = join(root, 'docs/screenshots');
const data = mkdtempSync(join(tmpdir(), 'chime-shots-'));
const driverBin = [process.env.CARGO_HOME && join(process.env.CARGO_HOME, 'bin/tauri-driver'), join(homedir(), '.cargo/bin/tauri-driver')]
  .find((p) => p && existsSync(p)) ?? 'tauri-driver';
const WD = 'http://127.0.0.1:4444';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function wd(method, path, body) {
  const res = await fetch(WD + path, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
  return json.value;
}

async function waitFor(what, check, ms = 20000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch {}
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

const driver = spawn(driverBin, [], {
  env: { ...process.env, CHIME_DATA_DIR: data, CHIME_PORT: '0', CHIME_ALLOW_HTTP: '1', NO_AT_BRIDGE: '1' },
  stdio: 'ignore',
  detached: true,
});
let session;
try {
  await waitFor('tauri-driver', async () => (await fetch(WD + '/status')).ok);
  session = (await wd('POST', '/session', { capabilities: { alwaysMatch: { 'tauri:options': { application: app } } } })).sessionId;
  const instance = await waitFor('the app', () => JSON.parse(readFileSync(join(data, 'instance.json'), 'utf8')));
  const key = readFileSync(join(data, 'api-key'), 'utf8').trim();
  const api = (method, path, body) =>
    fetch(`${instance.url}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) }).then((r) => r.json());
  const exec = (script) => wd('POST', `/session/${session}/execute/sync`, { script, args: [] });
  const shot = async (name, route, settle = 1500) => {
    if (route) await exec(`window.location.hash = ${JSON.stringify(route)}`);
    await sleep(settle);
    writeFileSync(join(out, `${name}.png`), Buffer.from(await wd('GET', `/session/${session}/screenshot`), 'base64'));
    console.log(`docs/screenshots/${name}.png`);
  };

  // A few jobs as a person would have them: schedules that succeed and fail, and one-offs.
  const ping = `${instance.url}/api/ping`;
  const echo = `${instance.url}/api/echo`; // answers 401 without the key: a failing endpoint
  await api('POST', '/api/jobs', { name: 'Health check', url: ping, repeat_every: '3 seconds' });
  // Checked and alerted: it fails (echo wants the key), so its page says it is failing.
  const sync = await api('POST', '/api/jobs', {
    name: 'Sync orders', method: 'post', url: echo, repeat_every: '5 seconds', body: { since: '$state.cursor' }, retry: { max_attempts: 1 },
    assert: [{ status: '2xx' }, { json: 'data.ok', equals: true }, { latency_ms_max: 800 }],
    alert: { after_failures: 2, on_change: true, change_ignore: ['body.generated_at'] },
    overlap: 'skip', quiet_hours: { from: '22:00', to: '07:00', timezone: 'Europe/Berlin' },
  });
  await api('POST', '/api/jobs', { name: 'Weekday standup reminder', method: 'post', url: ping, cron: '0 9 * * 1-5', timezone: 'Europe/Berlin', body: { text: 'Standup in 5 minutes' } });
  await api('POST', '/api/jobs', { name: 'Monthly report', url: ping, cron: '0 8 1 * *', timezone: 'Europe/Berlin' });
  const once = await api('POST', '/api/jobs', { name: 'Deploy webhook', method: 'post', url: echo, headers: { Authorization: `Bearer ${key}` }, body: { ref: 'main', sha: '4f2a91c' } });
  await api('POST', '/api/jobs', { name: 'Renew certificate', url: ping, schedule_in: '2 hours' });
  await sleep(12000);

  await shot('jobs', '/jobs');
  await shot('builder', '/jobs/new');
  await exec(`[...document.querySelectorAll('[role=tab], button')].find(b => b.textContent.trim() === 'Cron')?.click()`);
  await sleep(300);
  await exec(`[...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Every weekday at 9')?.click()`);
  await shot('builder-cron', null, 2000);
  await shot('calendar', '/calendar', 2500);
  await shot('live-log', '/log', 2000);
  await exec(`[...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Pause')?.click()`);
  await sleep(500);
  await exec(`[...document.querySelectorAll("button.log-row__toggle[aria-label^='Expand response']")].pop()?.click()`);
  await shot('live-log-expanded', null, 1000);
  await shot('job-detail', `/jobs/detail/${once.data.id}`, 2000);
  await shot('schedule', `/schedules/${sync.data.schedule_id}`, 2500);
  // Its checks open in the builder: a job that has some starts with the section open.
  await shot('builder-checks', `/schedules/${sync.data.schedule_id}/edit`, 2000);
  await exec(`document.querySelector("section[aria-label='Checks and alerts']")?.scrollIntoView()`);
  await shot('builder-checks', null, 800);
  await shot('settings', '/settings');
} finally {
  if (session) await wd('DELETE', `/session/${session}`).catch(() => {});
  try { process.kill(-driver.pid, 'SIGKILL'); } catch {}
}
