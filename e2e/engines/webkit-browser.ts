import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebDriverSession } from './webdriver-session.js';

/** WebKitGTK's WebDriver: `$LARDER_WEBKIT_DRIVER`, else Debian's (package webkit2gtk-driver). */
export const webkitDriverPath = process.env['LARDER_WEBKIT_DRIVER'] ?? '/usr/bin/WebKitWebDriver';

/** The browser WebKitWebDriver starts; its header says why it is not Debian's MiniBrowser. */
export const webkitBrowserPath = fileURLToPath(new URL('./webkit-automation-browser.py', import.meta.url));

/** A WebKitGTK browser driven over WebDriver, on a data directory that outlives it. */
export interface WebKitBrowser {
  session: WebDriverSession;
  /** The window the session started with, left open (see `WebDriverContext`). */
  anchor: string;
  /** `WebKitGTK 2.50.6`, from the session's capabilities. */
  version: string;
  /**
   * SIGKILLs the driver's process group: the driver, the browser, its web and network processes.
   * No shutdown, no flush.
   */
  kill(): Promise<void>;
  /** Ends the session and stops the driver and the X server. */
  close(): Promise<void>;
}

/**
 * Starts an X server (WebKitGTK draws into a real window even when nobody looks), WebKitWebDriver,
 * and a session whose browser keeps its data in `dataDir`.
 *
 * @param dataDir - the browser's data directory; relaunch on the same one to see what survived.
 * @param features - WebKit features to turn on besides the Storage API (e.g. `NavigationAPI`).
 */
export async function launchWebKit(
  dataDir: string,
  features: readonly string[] = [],
): Promise<WebKitBrowser> {
  const display = await startXvfb();
  const port = await freePort();
  // Detached: the driver leads a process group that holds every process of this browser.
  const driver = spawn(webkitDriverPath, [`--port=${port}`], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DISPLAY: `:${display.number}` },
  });
  let driverLog = '';
  driver.stderr?.on('data', (chunk: Buffer) => (driverLog = (driverLog + chunk.toString()).slice(-4000)));
  const driverExited = exitOf(driver);
  const driverUrl = `http://127.0.0.1:${port}`;
  const stopAll = async (signal: NodeJS.Signals) => {
    if (driver.pid !== undefined && driver.exitCode === null && driver.signalCode === null) {
      try {
        process.kill(-driver.pid, signal);
      } catch {
        // Already gone.
      }
    }
    await driverExited;
    await display.stop();
  };
  try {
    await waitForDriver(driverUrl, driver);
    const pidFile = join(dataDir, 'browser.pid');
    rmSync(pidFile, { force: true });
    const session = await WebDriverSession.create(driverUrl, {
      'webkitgtk:browserOptions': {
        binary: webkitBrowserPath,
        args: [`--data-dir=${dataDir}`, `--pid-file=${pidFile}`, `--enable-features=${features.join(',')}`],
      },
    });
    // An evaluate runs as long as its test lets it; the test's own timeout bounds it.
    await session.command('POST', '/timeouts', { script: 600_000, pageLoad: 60_000 });
    const browserPid = Number(readFileSync(pidFile, 'utf8'));
    const anchor = await session.command<string>('GET', '/window');
    return {
      session,
      anchor,
      version: `WebKitGTK ${String(session.capabilities['browserVersion'])}`,
      async kill() {
        // The browser is the driver's child, in its group; kill both at once, then make sure.
        await stopAll('SIGKILL');
        try {
          process.kill(browserPid, 'SIGKILL');
        } catch {
          // Gone with its group, as expected.
        }
      },
      async close() {
        await session.command('DELETE', '').catch(() => undefined);
        await stopAll('SIGTERM');
      },
    };
  } catch (e) {
    await stopAll('SIGKILL');
    throw new Error(`WebKitWebDriver did not start a session: ${String(e)}\n${driverLog}`, { cause: e });
  }
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

async function waitForDriver(url: string, driver: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (driver.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${driver.exitCode}`);
    try {
      if ((await fetch(`${url}/status`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('WebKitWebDriver did not answer /status within 30 s');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/** Starts Xvfb on the first free display, which it reports on a pipe (`-displayfd`). */
async function startXvfb(): Promise<{ number: number; stop(): Promise<void> }> {
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  const exited = exitOf(xvfb);
  const number = await new Promise<number>((resolve, reject) => {
    let text = '';
    const fd = xvfb.stdio[3] as NodeJS.ReadableStream;
    fd.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(Number(text.trim()));
    });
    xvfb.once('exit', (code) =>
      reject(new Error(`Xvfb exited with ${code}; is the xvfb package installed?`)),
    );
    xvfb.once('error', reject);
  });
  return {
    number,
    async stop() {
      xvfb.kill('SIGTERM');
      await exited;
    },
  };
}
