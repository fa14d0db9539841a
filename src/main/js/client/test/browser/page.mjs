// Drives one headless Chromium page that uses an edge listener's /client.js, for the JUnit browser tests
// (src/test/java/.../client/). The page comes from a static server of this script, so the module is loaded
// cross-origin, as a website would.
//
// Environment: EDGE_URL (http://127.0.0.1:PORT), CHANNEL, NO_WEBSOCKET=1 (removes window.WebSocket before the
// page runs), CHROMIUM (default /usr/bin/chromium), DEMO_PAGE=1 (opens the edge's own demo page, /demo/, on CHANNEL
// instead; its state `s` is then what the page shows: state, transport, offset, epoch, messages, reconnects, gaps),
// CLIENT_OPTIONS (JSON merged into connect's options: publicKeys, requireSignatures...), TOKEN_URL and TOKEN_FORM
// (the page signs on with a token callback; each call fetches this script's /token, which POSTs TOKEN_FORM to the
// OIDC provider's TOKEN_URL and answers its access_token: a fresh token per call, as a real page's auth library).
// Commands, one per stdin line; every one is answered with one stdout line `ok <state JSON>` or `fail <why>`:
//   wait <JS expression over s and sub>             waits (up to 30 s) until it holds
//   state                                           the state now
//   quit                                            closes the browser and exits
// The page's state `s`: received ["epoch:offset", ...], opens [transport, ...], gaps, closes, errors, reconnects,
// invalids (the `invalid` events), kids (each delivered message's kid, or null), tokens (how many the callback got)
// (event details), transport (the client's, now), position (the subscription's, now: null before its subscribe
// reply, so wait for `sub.position` before publishing what the page must see). Other stdout lines start with `#`
// (console, page errors).
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const edge = process.env.EDGE_URL;
const channel = process.env.CHANNEL;
if (!edge || !channel) {
  console.log('fail EDGE_URL and CHANNEL must be set');
  process.exit(2);
}

const clientOptions = process.env.CLIENT_OPTIONS || '{}';
const tokens = Boolean(process.env.TOKEN_URL);
const html = `<!doctype html>
<meta charset="utf-8">
<title>last-mile client test page</title>
<script type="module">
  import { connect } from ${JSON.stringify(`${edge}/client.js`)};
  const s = (window.s = { received: [], opens: [], gaps: [], closes: [], errors: [], reconnects: [], invalids: [],
    kids: [], tokens: 0 });
  const options = { backoff: { initialMs: 100, maxMs: 1000 }, openTimeoutMs: 3000, ...${clientOptions} };
  if (${tokens}) {
    options.token = async () => {
      s.tokens++;
      return (await fetch('/token')).text();
    };
  }
  const client = connect(${JSON.stringify(edge)}, options);
  for (const type of ['gap', 'close', 'error', 'reconnect', 'invalid']) {
    client.addEventListener(type, (e) => s[type === 'reconnect' ? 'reconnects' : type + 's'].push(e.detail));
  }
  client.addEventListener('open', (e) => s.opens.push(e.detail.transport));
  window.sub = client.subscribe(${JSON.stringify(channel)}, (m) => {
    s.received.push(m.epoch + ':' + m.offset);
    s.kids.push(m.kid ?? null);
  });
  window.client = client;
</script>`;

const server = createServer((req, res) => {
  if (req.url === '/') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
  } else if (req.url === '/token' && tokens) {
    fetch(process.env.TOKEN_URL, { method: 'POST', body: process.env.TOKEN_FORM,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })
      .then((r) => r.json())
      .then((t) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end(t.access_token))
      .catch((e) => res.writeHead(502).end(String(e)));
  } else {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

const profile = await mkdtemp(join(tmpdir(), 'lastmile-chromium-'));
const demo = process.env.DEMO_PAGE === '1';
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // the demo page's CSP forbids eval, which waitForFunction's string conditions need (DemoPageTest checks the CSP)
  bypassCSP: demo,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
const page = context.pages()[0] ?? (await context.newPage());
page.on('console', (m) => console.log(`# console ${m.type()}: ${m.text()}`));
page.on('pageerror', (e) => console.log(`# page error: ${e.message}`));
if (process.env.NO_WEBSOCKET === '1') {
  await page.addInitScript(() => {
    delete window.WebSocket;
  });
}
const DEMO_FIELDS = ['state', 'transport', 'offset', 'epoch', 'messages', 'reconnects', 'gaps'];
const demoState = `Object.fromEntries(${JSON.stringify(DEMO_FIELDS)}.map((id) => [id, document.getElementById(id).textContent]))`;
await page.goto(demo ? `${edge}/demo/?channel=${encodeURIComponent(channel)}` : `http://127.0.0.1:${server.address().port}/`);

const state = () => (demo ? page.evaluate(demoState) : page.evaluate(() =>
  ({ ...window.s, transport: window.client?.transport ?? null, position: window.sub?.position ?? null })));

async function quit(code) {
  await context.close().catch(() => {});
  server.close();
  await rm(profile, { recursive: true, force: true });
  process.exit(code);
}

for await (const line of createInterface({ input: process.stdin })) {
  const [command, ...rest] = line.trim().split(' ');
  try {
    if (command === 'wait') {
      const condition = demo
        ? `(() => { const s = ${demoState}; return ${rest.join(' ')}; })()`
        : `window.sub && (() => { const s = window.s, sub = window.sub; return ${rest.join(' ')}; })()`;
      await page.waitForFunction(condition, null, { timeout: 30000, polling: 50 });
      console.log(`ok ${JSON.stringify(await state())}`);
    } else if (command === 'state') {
      console.log(`ok ${JSON.stringify(await state())}`);
    } else if (command === 'quit') {
      await quit(0);
    } else {
      console.log(`fail unknown command: ${line}`);
    }
  } catch (e) {
    console.log(`fail ${e.message.split('\n')[0]} ; state: ${JSON.stringify(await state().catch(() => null))}`);
  }
}
await quit(0);
