/** The part of `document` this module uses; typed here so the code also compiles for workers. */
interface HidingDocument {
  readonly visibilityState: string;
  addEventListener(type: string, listener: () => void, options?: { capture?: boolean }): void;
  removeEventListener(type: string, listener: () => void, options?: { capture?: boolean }): void;
}

/** Which lifecycle event called the listener. */
export type HideEvent = 'hidden' | 'pagehide' | 'freeze';

/**
 * Calls `onHide` when the page becomes hidden, on `pagehide` and on `freeze`: the last moments a
 * page is sure to run before it may be discarded or killed (Page Lifecycle API).
 *
 * @param onHide - starts a flush; must not wait for it.
 * @returns a function that removes the listeners. Outside a page it does nothing.
 */
export function listenForHide(onHide: (event: HideEvent) => void): () => void {
  const doc = (globalThis as { document?: HidingDocument }).document;
  const win = globalThis as unknown as HidingDocument;
  if (doc === undefined) return () => undefined;
  const onVisibility = () => {
    if (doc.visibilityState === 'hidden') onHide('hidden');
  };
  const onFreeze = () => onHide('freeze');
  const onPageHide = () => onHide('pagehide');
  doc.addEventListener('visibilitychange', onVisibility);
  doc.addEventListener('freeze', onFreeze);
  win.addEventListener('pagehide', onPageHide);
  return () => {
    doc.removeEventListener('visibilitychange', onVisibility);
    doc.removeEventListener('freeze', onFreeze);
    win.removeEventListener('pagehide', onPageHide);
  };
}
