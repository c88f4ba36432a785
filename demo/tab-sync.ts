import * as Automerge from '@automerge/automerge/slim';
import type { Persister } from '../src/index.js';
import type { BoardReplica } from './board-replica.js';
import { decodeStored, encodeStored, syncKey } from './sync-states.js';

type Message =
  | { type: 'hello'; from: string }
  | { type: 'here'; from: string; to?: string }
  | { type: 'sync'; from: string; to: string; data: Uint8Array }
  | { type: 'bye'; from: string };

interface Peer {
  state: Automerge.SyncState;
  /** The encoded state last written to the Persister, to skip writes that change nothing. */
  saved: Uint8Array | undefined;
  savedAt: number;
  heardAt: number;
  /** Work on this peer runs in order: its sync state is loaded before the first message. */
  queue: Promise<void>;
}

const HEARTBEAT_MS = 5_000;
const PEER_TIMEOUT_MS = 16_000;

/**
 * Keeps this tab's board in step with the other tabs of the origin: Automerge's sync protocol
 * over a BroadcastChannel, one sync state per peer, stored with the Persister so that a tab that
 * comes back exchanges only what the other lacks.
 */
export class TabSync {
  readonly #channel: BroadcastChannel;
  readonly #peers = new Map<string, Peer>();
  readonly #replica: BoardReplica;
  readonly #persister: Persister;
  readonly #self: string;
  readonly #onPeers: (peers: string[]) => void;
  readonly #onError: (e: unknown) => void;
  #timer: ReturnType<typeof setInterval> | undefined;

  /**
   * @param replica - this tab's board.
   * @param persister - the board's Persister, which holds the sync states.
   * @param self - this tab's id.
   * @param channelName - the BroadcastChannel the board's tabs share.
   * @param onPeers - told the connected tabs whenever they change.
   * @param onError - told about failed writes.
   */
  constructor(
    replica: BoardReplica,
    persister: Persister,
    self: string,
    channelName: string,
    onPeers: (peers: string[]) => void,
    onError: (e: unknown) => void,
  ) {
    this.#replica = replica;
    this.#persister = persister;
    this.#self = self;
    this.#onPeers = onPeers;
    this.#onError = onError;
    this.#channel = new BroadcastChannel(channelName);
  }

  /** Announces this tab and starts syncing with every tab that answers. */
  start(): void {
    this.#channel.onmessage = (e: MessageEvent<Message>) => this.#receive(e.data);
    this.#replica.subscribe(() => this.syncAll());
    this.#post({ type: 'hello', from: this.#self });
    this.#timer = setInterval(() => this.#heartbeat(), HEARTBEAT_MS);
  }

  /** Says goodbye, stops listening and writes every peer's sync state; the caller flushes the store after. */
  stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#post({ type: 'bye', from: this.#self });
    // Deaf from now on: a tab whose storage was reset must not answer the tabs that start afresh.
    this.#channel.onmessage = null;
    const all = [...this.#peers.keys()].map((id) => this.#drop(id));
    return Promise.all(all).then(() => undefined);
  }

  /** The ids of the tabs connected now. */
  get peers(): string[] {
    return [...this.#peers.keys()];
  }

  /** Sends every peer what it lacks. */
  syncAll(): void {
    for (const id of this.#peers.keys()) this.#run(id, (peer) => this.#send(id, peer));
  }

  #receive(msg: Message): void {
    if (msg.from === this.#self) return;
    switch (msg.type) {
      case 'hello':
        // A peer that starts again (a reload) has forgotten what was in flight: so must we.
        this.#run(msg.from, (peer) => {
          peer.state = Automerge.decodeSyncState(Automerge.encodeSyncState(peer.state));
          this.#post({ type: 'here', from: this.#self, to: msg.from });
          this.#send(msg.from, peer);
        });
        break;
      case 'here':
        if (msg.to === undefined || msg.to === this.#self)
          this.#run(msg.from, (peer) => this.#send(msg.from, peer));
        break;
      case 'sync':
        if (msg.to !== this.#self) return;
        this.#run(msg.from, (peer) => {
          this.#replica.merge('remote', (doc) => {
            const [next, state] = Automerge.receiveSyncMessage(doc, peer.state, msg.data);
            peer.state = state;
            return [next, undefined];
          });
          this.#send(msg.from, peer);
        });
        break;
      case 'bye':
        void this.#drop(msg.from);
        break;
    }
  }

  #run(id: string, fn: (peer: Peer) => void): void {
    const peer = this.#peer(id);
    peer.heardAt = Date.now();
    peer.queue = peer.queue.then(() => fn(peer)).catch((e: unknown) => this.#onError(e));
  }

  #peer(id: string): Peer {
    let peer = this.#peers.get(id);
    if (peer !== undefined) return peer;
    const created: Peer = {
      state: Automerge.initSyncState(),
      saved: undefined,
      savedAt: 0,
      heardAt: Date.now(),
      queue: Promise.resolve(),
    };
    created.queue = this.#persister.getSyncState(syncKey(this.#self, id)).then((bytes) => {
      const stored = bytes === undefined ? undefined : decodeStored(bytes);
      if (stored !== undefined) created.state = stored.state;
    });
    peer = created;
    this.#peers.set(id, peer);
    this.#onPeers(this.peers);
    return peer;
  }

  #send(id: string, peer: Peer): void {
    const [state, message] = Automerge.generateSyncMessage(this.#replica.doc, peer.state);
    peer.state = state;
    if (message !== null) this.#post({ type: 'sync', from: this.#self, to: id, data: message });
    this.#save(id, peer);
  }

  #save(id: string, peer: Peer, force = false): void {
    const encoded = Automerge.encodeSyncState(peer.state);
    const now = Date.now();
    // The last-seen time needs refreshing now and then even when the state itself is unchanged.
    if (!force && peer.saved !== undefined && equal(peer.saved, encoded) && now - peer.savedAt < 60_000)
      return;
    peer.saved = encoded;
    peer.savedAt = now;
    this.#persister.setSyncState(syncKey(this.#self, id), encodeStored(now, peer.state)).catch(this.#onError);
  }

  #drop(id: string): Promise<void> {
    const peer = this.#peers.get(id);
    if (peer === undefined) return Promise.resolve();
    this.#peers.delete(id);
    this.#onPeers(this.peers);
    return peer.queue.then(() => this.#save(id, peer, true));
  }

  #heartbeat(): void {
    this.#post({ type: 'here', from: this.#self });
    const now = Date.now();
    for (const [id, peer] of this.#peers) if (now - peer.heardAt > PEER_TIMEOUT_MS) void this.#drop(id);
  }

  #post(msg: Message): void {
    this.#channel.postMessage(msg);
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
