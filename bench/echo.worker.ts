// Echoes every message back, transferring what it received: the other half of the boundary
// crossing that bench/suites/transfer.ts measures.
self.onmessage = (e: MessageEvent<{ payload: unknown; transfer: boolean }>) => {
  const { payload, transfer } = e.data;
  const list: Transferable[] = [];
  if (transfer) collect(payload, list);
  (self as unknown as Worker).postMessage(payload, list);
};

function collect(value: unknown, out: Transferable[]): void {
  if (value instanceof Uint8Array) {
    if (!out.includes(value.buffer as ArrayBuffer)) out.push(value.buffer as ArrayBuffer);
  } else if (Array.isArray(value)) for (const v of value) collect(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) collect(v, out);
}
