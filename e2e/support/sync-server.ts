import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../../examples/sync-server/server.mjs', import.meta.url));

/** The example sync server (examples/sync-server/server.mjs), run by a test as a child process. */
export interface SyncServerProcess {
  /** Its WebSocket address, the same across restarts. */
  readonly url: string;
  /** Kills it with SIGKILL: no flush, no goodbye to the clients, as when its machine dies. */
  kill(): Promise<void>;
  /** Stops it with SIGTERM: it saves what it holds and closes its sockets. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  restart(): Promise<void>;
}

/**
 * Starts the sync server on a free port of 127.0.0.1, keeping its documents in `dataDir`, and
 * resolves once it accepts connections.
 */
export async function startSyncServer(dataDir: string): Promise<SyncServerProcess> {
  let child = await launch(0, dataDir);
  const port = child.port;
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    const { process: p, exited } = child;
    if (p.exitCode === null && p.signalCode === null) p.kill(signal);
    await exited;
  };
  return {
    url: `ws://127.0.0.1:${port}`,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
    async restart() {
      await end('SIGKILL');
      child = await launch(port, dataDir);
    },
  };
}

interface Launched {
  process: ChildProcess;
  port: number;
  exited: Promise<void>;
}

async function launch(port: number, dataDir: string): Promise<Launched> {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, SYNC_PORT: String(port), SYNC_DATA_DIR: dataDir, SYNC_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  const listening = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sync server did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m !== null) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`sync server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  return { process: child, port: listening, exited };
}
