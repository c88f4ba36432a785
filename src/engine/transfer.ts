/**
 * Marks `value`'s buffers for transfer when it crosses to the other thread; the identity when
 * the engine runs inline. Comlink's `transfer` in the worker transport.
 */
export type MarkTransfer = <T>(value: T, transferables: Transferable[]) => T;

/** The {@link MarkTransfer} of the inline engine: nothing crosses a thread. */
export const noTransfer: MarkTransfer = (value) => value;
