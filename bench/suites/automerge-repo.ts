import { automergeWasmBase64 } from '@automerge/automerge/automerge.wasm.base64';
import {
  Automerge,
  Repo,
  initializeBase64Wasm,
  interpretAsDocumentId,
  stringifyAutomergeUrl,
  type BinaryDocumentId,
  type DocHandle,
  type DocumentId,
} from '@automerge/automerge-repo/slim';
import { randomBytes } from '../contenders/data.js';
import {
  larderRepoStorage,
  memoryColdStorage,
  memoryRepoStorage,
  upstreamRepoStorage,
  type OpenRepoStorage,
  type RepoStorage,
} from '../contenders/repo-storage.js';
import type { BenchCase, BenchGoal, BenchOptions, BenchSuite } from '../suite.js';

/** The workloads, by the names the report shows. */
export const TYPING = 'Repo typing';
export const LOAD_RANGE = 'loadRange([docId])';
export const COLD_START = 'Repo cold start';

const CONTENDERS = [larderRepoStorage, upstreamRepoStorage];
const REFERENCE = upstreamRepoStorage;

/** Sizes, each overridable with `npm run bench -- --name=value`. */
function sizes(options: BenchOptions) {
  return {
    /** `handle.change` calls into one document in the typing workload. */
    repoChanges: options['repoChanges'] ?? 10_000,
    /** Documents stored before the `loadRange` workload reads each of them. */
    repoDocs: options['repoDocs'] ?? 500,
    /** Documents a cold-started Repo finds. */
    repoColdDocs: options['repoColdDocs'] ?? 100,
  };
}

function dbName(workload: string, storage: RepoStorage): string {
  return `bench ${workload} ${storage.name}`.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

/** A document id that setup and a reloaded run derive alike: 16 bytes from `i`. */
function documentId(i: number): DocumentId {
  const bytes = new Uint8Array(16);
  new DataView(bytes.buffer).setUint32(12, i + 1);
  bytes[0] = 0x4c;
  return interpretAsDocumentId(bytes as BinaryDocumentId);
}

/** A Repo on `storage` with no network: every find is answered by storage alone. */
function repoOn(storage: OpenRepoStorage): Repo {
  return new Repo({ storage: storage.adapter, network: [] });
}

interface TextDoc {
  text: string;
}

/**
 * Typing: one `handle.change` per character, each followed by the Repo's own saving (its
 * `flush` runs the StorageSubsystem's `saveDoc`: an incremental chunk per change, and now and
 * then a compaction that writes a snapshot and removes the incrementals one `remove` at a time).
 * The clock stops when everything is committed durably.
 */
function typingCase(storage: RepoStorage, changes: number): BenchCase {
  const db = dbName(TYPING, storage);
  let open: OpenRepoStorage | undefined;
  let repo: Repo | undefined;
  let handle: DocHandle<TextDoc> | undefined;
  return {
    workload: TYPING,
    contender: storage.name,
    reference: storage === REFERENCE,
    async setup() {
      await storage.remove(db);
      open = await storage.open(db);
      repo = repoOn(open);
      handle = repo.create<TextDoc>({ text: '' });
      await repo.flush();
      await open.commit();
    },
    async run() {
      const r = repo as Repo;
      const h = handle as DocHandle<TextDoc>;
      const letters = 'the quick brown fox jumps over the lazy dog ';
      for (let i = 0; i < changes; i++) {
        const ch = letters[i % letters.length] as string;
        h.change((d) => Automerge.splice(d, ['text'], i, 0, ch));
        await r.flush([h.documentId]);
      }
      await (open as OpenRepoStorage).commit();
      if (h.doc().text.length !== changes) throw new Error(`typed ${h.doc().text.length} of ${changes}`);
      return changes;
    },
    async teardown() {
      await repo?.shutdown();
      await open?.close();
      repo = undefined;
      open = undefined;
      handle = undefined;
      await storage.remove(db);
    },
  };
}

/** The chunks of one stored document: a snapshot and incrementals, as a Repo leaves them. */
function documentChunks(id: DocumentId): Array<[string[], Uint8Array]> {
  const chunks: Array<[string[], Uint8Array]> = [[[id, 'snapshot', `s${id}`], randomBytes(4096)]];
  for (let i = 0; i < 9; i++) chunks.push([[id, 'incremental', `i${i}-${id}`], randomBytes(200)]);
  return chunks;
}
const CHUNKS_PER_DOCUMENT = 10;

/**
 * `loadRange([docId])`, what the Repo's StorageSubsystem calls to load a document, once for
 * every document of a store that holds `docs` of them, one call after another.
 */
function loadRangeCase(storage: RepoStorage, docs: number): BenchCase {
  const db = dbName(LOAD_RANGE, storage);
  let open: OpenRepoStorage | undefined;
  return {
    workload: LOAD_RANGE,
    contender: storage.name,
    reference: storage === REFERENCE,
    async setup() {
      await storage.remove(db);
      open = await storage.open(db);
      const { adapter } = open;
      for (let i = 0; i < docs; i++) {
        await Promise.all(documentChunks(documentId(i)).map(([key, data]) => adapter.save(key, data)));
      }
      await open.commit();
      // A warm connection: the first read of a lazily opened store is not the one timed.
      await adapter.loadRange([documentId(0)]);
    },
    async run() {
      const { adapter } = open as OpenRepoStorage;
      for (let i = 0; i < docs; i++) {
        const chunks = await adapter.loadRange([documentId(i)]);
        if (chunks.length !== CHUNKS_PER_DOCUMENT) throw new Error(`document ${i}: ${chunks.length} chunks`);
      }
      return docs;
    },
    async teardown() {
      await open?.close();
      open = undefined;
      await storage.remove(db);
    },
  };
}

// A type, not an interface: Automerge.from wants a Record<string, unknown>.
type ListDoc = { items: string[] };

const BASE_ITEMS = 100;
const EDITS = 10;

/** A document of `BASE_ITEMS` random strings, saved: the start of every stored document. */
function baseDocument(): Uint8Array {
  const words = Array.from({ length: BASE_ITEMS }, () =>
    Array.from(randomBytes(12), (b) => (b % 36).toString(36)).join(''),
  );
  return Automerge.save(Automerge.from<ListDoc>({ items: words }));
}

/**
 * Cold start: setup stores `docs` documents through a Repo (each imported, then edited
 * `EDITS` times with a save after each edit, so a snapshot and incrementals); after a page
 * reload the clock covers opening the storage (for larder, starting its worker), a new Repo, and
 * `find` of every document until each is ready.
 */
function coldStartCase(storage: RepoStorage, docs: number): BenchCase {
  const db = dbName(COLD_START, storage);
  let open: OpenRepoStorage | undefined;
  let repo: Repo | undefined;
  return {
    workload: COLD_START,
    contender: storage.name,
    reference: storage === REFERENCE,
    reload: true,
    async setup() {
      await storage.remove(db);
      const writer = await storage.open(db);
      const r = repoOn(writer);
      const base = baseDocument();
      for (let i = 0; i < docs; i++) {
        const handle = r.import<ListDoc>(base, { docId: documentId(i) });
        for (let e = 0; e < EDITS; e++) {
          handle.change((d) => void d.items.push(`edit ${e}`));
          await r.flush([handle.documentId]);
        }
      }
      await r.flush();
      await writer.commit();
      await r.shutdown();
      await writer.close();
    },
    async run() {
      open = await storage.open(db);
      repo = repoOn(open);
      const r = repo;
      const handles = await Promise.all(
        Array.from({ length: docs }, (_, i) => r.find<ListDoc>(stringifyAutomergeUrl(documentId(i)))),
      );
      for (const h of handles) {
        const n = h.doc().items.length;
        if (n !== BASE_ITEMS + EDITS) throw new Error(`${h.documentId}: ${n} items`);
      }
      return docs;
    },
    async teardown() {
      await repo?.shutdown();
      await open?.close();
      repo = undefined;
      open = undefined;
      await storage.remove(db);
    },
  };
}

let wasm: Promise<void> | undefined;

const suite: BenchSuite = {
  name: 'automerge-repo',
  init() {
    wasm ??= initializeBase64Wasm(automergeWasmBase64);
    return wasm;
  },
  cases(options) {
    const s = sizes(options);
    return [
      // The Repo alone, with no storage: the floor under the typing ratios.
      ...[...CONTENDERS, memoryRepoStorage].map((c) => typingCase(c, s.repoChanges)),
      ...CONTENDERS.map((c) => loadRangeCase(c, s.repoDocs)),
      // The Repo with storage that answers from memory: the floor under the cold-start ratio.
      ...[...CONTENDERS, memoryColdStorage].map((c) => coldStartCase(c, s.repoColdDocs)),
    ];
  },
  goals() {
    const larder = larderRepoStorage.name;
    const goals: BenchGoal[] = [
      {
        kind: 'speedup',
        label: `${TYPING}: ${larder} ≥ 5× upstream`,
        workload: TYPING,
        contender: larder,
        atLeast: 5,
      },
      {
        kind: 'speedup',
        label: `${LOAD_RANGE}: ${larder} no slower than upstream`,
        workload: LOAD_RANGE,
        contender: larder,
        atLeast: 1,
      },
      {
        kind: 'speedup',
        label: `${COLD_START}: ${larder} ≥ 1.3× upstream`,
        workload: COLD_START,
        contender: larder,
        atLeast: 1.3,
      },
      {
        kind: 'main-thread',
        label: `${larder}: no main-thread long task`,
        contender: larder,
        workloads: [TYPING, LOAD_RANGE, COLD_START],
        maxGapMs: 50,
        maxLongTasks: 0,
      },
    ];
    return goals;
  },
};

export default suite;
