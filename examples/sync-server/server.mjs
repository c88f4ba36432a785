// A sync server made only of automerge-repo's own parts: a Repo that listens for WebSocket
// clients (@automerge/automerge-repo-network-websocket) and keeps every document it hears of on
// disk (@automerge/automerge-repo-storage-nodefs). Browsers running the larder example
// (examples/automerge-repo/) sync through it.
//
//   npm run sync-server                                   # ws://127.0.0.1:3030, data in .sync-server-data/
//   SYNC_PORT=3031 SYNC_DATA_DIR=/tmp/sync npm run sync-server
//
// It prints `sync server listening on ws://127.0.0.1:<port>` once it accepts connections.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Repo } from '@automerge/automerge-repo';
import { WebSocketServerAdapter } from '@automerge/automerge-repo-network-websocket';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import { WebSocketServer } from 'ws';

const port = Number(process.env['SYNC_PORT'] ?? 3030);
const host = process.env['SYNC_HOST'] ?? '127.0.0.1';
const dataDir = resolve(process.env['SYNC_DATA_DIR'] ?? '.sync-server-data');
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`SYNC_PORT must be a port number, not ${process.env['SYNC_PORT']}`);
  process.exit(2);
}

const wss = new WebSocketServer({ host, port });
await new Promise((ready, fail) => {
  wss.once('listening', ready);
  wss.once('error', fail);
});

const repo = new Repo({
  network: [new WebSocketServerAdapter(wss)],
  storage: new NodeFSStorageAdapter(dataDir),
  // A stable id across restarts, as automerge-repo's own sync server uses.
  peerId: /** @type {import('@automerge/automerge-repo').PeerId} */ (`sync-server-${hostname()}`),
  // The server answers for the documents a client asks for and never announces its own to a
  // client: otherwise every client would receive every document anyone ever synced.
  sharePolicy: async () => false,
});

console.log(`sync server listening on ws://${host}:${wss.address().port} (data in ${dataDir})`);

let stopping = false;
/** Saves what the Repo still holds in memory, closes every socket, then exits. */
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`sync server: ${signal}, saving and closing`);
  await repo.flush();
  wss.close();
  await repo.shutdown();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
