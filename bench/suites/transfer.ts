import { packBytes, unpackBytes } from '../../src/packed-bytes.js';
import type { BenchCase, BenchOptions, BenchSuite } from '../suite.js';

// How binary data should cross the worker boundary (issue 2): structured clone, transfer of
// each value's own buffer, or one packed buffer transferred. Each run sends the payload to an
// echo worker and back, including the copy that makes the caller's arrays safe to keep.

const SMALL = 'boundary: 10,000 × 200 B';
const LARGE = 'boundary: 2 MiB snapshot';

let worker: Worker | undefined;

function roundTrip(payload: unknown, transfer: Transferable[], echoTransfers: boolean): Promise<unknown> {
  const w = worker as Worker;
  return new Promise((resolve) => {
    w.onmessage = (e) => resolve(e.data);
    w.postMessage({ payload, transfer: echoTransfers }, transfer);
  });
}

function cases(options: BenchOptions): BenchCase[] {
  const count = options['boundaryValues'] ?? 10_000;
  const size = options['boundaryBytes'] ?? 200;
  const big = options['snapshotBytes'] ?? 2 * 1024 * 1024;
  // The caller's values are views into one larger buffer, as an app's often are.
  const parent = new Uint8Array(count * size + 1024);
  const values = Array.from({ length: count }, (_, i) => parent.subarray(i * size, (i + 1) * size));
  const snapshot = new Uint8Array(big + 4096).fill(3).subarray(0, big);
  const rounds = options['boundaryRounds'] ?? 5;

  const small = (contender: string, reference: boolean, once: () => Promise<void>): BenchCase => ({
    workload: SMALL,
    contender,
    reference,
    async run() {
      for (let r = 0; r < rounds; r++) await once();
      return rounds;
    },
  });
  const large = (contender: string, reference: boolean, once: () => Promise<void>): BenchCase => ({
    workload: LARGE,
    contender,
    reference,
    async run() {
      for (let r = 0; r < rounds; r++) await once();
      return rounds;
    },
  });

  return [
    // Cloning a view clones its whole parent buffer, so each value is first copied out.
    small('clone each value', true, async () => {
      await roundTrip(
        values.map((v) => v.slice()),
        [],
        false,
      );
    }),
    small('transfer each value', false, async () => {
      const copies = values.map((v) => v.slice());
      await roundTrip(
        copies,
        copies.map((c) => c.buffer),
        true,
      );
    }),
    small('pack, transfer one buffer', false, async () => {
      const packed = packBytes(values);
      const back = (await roundTrip(
        packed,
        [packed.bytes.buffer, packed.ends.buffer],
        true,
      )) as typeof packed;
      unpackBytes(back);
    }),
    large('clone', true, async () => {
      await roundTrip(snapshot.slice(), [], false);
    }),
    large('transfer', false, async () => {
      const copy = snapshot.slice();
      await roundTrip(copy, [copy.buffer], true);
    }),
  ];
}

const suite: BenchSuite = {
  name: 'transfer',
  async init() {
    worker ??= new Worker(new URL('../echo.worker.ts', import.meta.url), { type: 'module' });
    await roundTrip(null, [], false);
  },
  cases,
};
export default suite;
