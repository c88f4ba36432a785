const KEY = 'larder-demo:tab-id';

/**
 * Returns this tab's peer id: kept in sessionStorage so that a reloaded tab comes back as the
 * same peer (and its peers' sync states about it stay useful). A duplicated tab copies
 * sessionStorage, so the id is claimed with a Web Lock held for the page's lifetime, and a tab
 * that finds it taken makes a new one.
 */
export async function claimTabId(): Promise<string> {
  let id = sessionStorage.getItem(KEY) ?? randomHex(16);
  if (!(await holdLock(id))) {
    id = randomHex(16);
    await holdLock(id);
  }
  sessionStorage.setItem(KEY, id);
  return id;
}

function holdLock(id: string): Promise<boolean> {
  if (navigator.locks === undefined) return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    void navigator.locks.request(`larder-demo:tab:${id}`, { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      // Held until the page goes away.
      return lock === null ? undefined : new Promise<void>(() => undefined);
    });
  });
}

/** Random bytes as lowercase hex. */
export function randomHex(bytes: number): string {
  return toHex(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** Bytes as lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Lowercase hex as bytes. */
export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
