#!/usr/bin/env node
// Debian's Firefox ESR behind Playwright's `moz-firefox` channel. Playwright starts this file as
// the browser executable: it starts Firefox with the same arguments and relays its WebDriver BiDi
// socket, answering for Firefox only the commands Firefox does not have yet.
//
// Why: Playwright 1.65 sends `emulation.setMediaFeaturesOverride` when it creates every context,
// and Firefox ESR 153 answers "unknown command", so no context can be made at all. larder's
// tests emulate no media feature, so reporting success changes nothing they observe. A command is
// answered here only after Firefox itself answered "unknown command": a Firefox that implements
// it gets it unchanged.
//
// Also: with LARDER_BROWSER_PID_FILE set, this process writes its pid there. Playwright starts the
// executable as the leader of a process group of its own, so a test can SIGKILL that group
// (Firefox and all its content processes) as a power cut would (e2e/support/real-browser.ts).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

// Playwright's own bundled `ws` (an exported entry of playwright-core), so the relay needs no
// package beyond the Playwright the tests already pin.
const { ws: WebSocket, wsServer: WebSocketServer } = createRequire(import.meta.url)(
  'playwright-core/lib/utilsBundle',
);

/** Commands Firefox may not know, and the result reported for them instead. */
const ANSWERED_HERE = new Map([['emulation.setMediaFeaturesOverride', {}]]);

const firefoxPath = process.env.LARDER_FIREFOX || '/usr/bin/firefox-esr';
if (process.env.LARDER_BROWSER_PID_FILE)
  writeFileSync(process.env.LARDER_BROWSER_PID_FILE, String(process.pid));

const firefox = spawn(firefoxPath, process.argv.slice(2), { stdio: ['ignore', 'inherit', 'pipe'] });
firefox.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => firefox.kill(sig));

createInterface({ input: firefox.stderr }).on('line', (line) => {
  const match = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(line);
  if (!match) {
    process.stderr.write(`${line}\n`);
    return;
  }
  const upstream = match[1].replace(/\/$/, '');
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('listening', () => {
    process.stderr.write(`WebDriver BiDi listening on ws://127.0.0.1:${server.address().port}\n`);
  });
  server.on('connection', (client, request) => relay(client, `${upstream}${request.url ?? ''}`));
});

/**
 * Relays one BiDi connection, rewriting the "unknown command" error of a command in
 * {@link ANSWERED_HERE} into a success with that command's id.
 */
function relay(client, url) {
  const firefoxSocket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
  const pending = [];
  const watched = new Map();
  firefoxSocket.on('open', () => {
    for (const message of pending.splice(0)) firefoxSocket.send(message);
  });
  client.on('message', (data) => {
    const text = data.toString();
    try {
      const { id, method } = JSON.parse(text);
      if (ANSWERED_HERE.has(method)) watched.set(id, method);
    } catch {
      // Not JSON: Firefox answers it.
    }
    if (firefoxSocket.readyState === WebSocket.OPEN) firefoxSocket.send(text);
    else pending.push(text);
  });
  firefoxSocket.on('message', (data) => {
    let text = data.toString();
    if (watched.size > 0) {
      try {
        const message = JSON.parse(text);
        const method = watched.get(message.id);
        if (method !== undefined) {
          watched.delete(message.id);
          if (message.type === 'error' && message.error === 'unknown command') {
            text = JSON.stringify({ type: 'success', id: message.id, result: ANSWERED_HERE.get(method) });
          }
        }
      } catch {
        // Not JSON: passed on as it came.
      }
    }
    client.send(text);
  });
  const closeBoth = () => {
    client.close();
    firefoxSocket.close();
  };
  client.on('close', closeBoth);
  firefoxSocket.on('close', closeBoth);
  client.on('error', closeBoth);
  firefoxSocket.on('error', closeBoth);
}
