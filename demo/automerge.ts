import * as Automerge from '@automerge/automerge/slim';
import { automergeWasmBase64 } from '@automerge/automerge/automerge.wasm.base64';

/**
 * Starts Automerge's WebAssembly core from the base64 copy bundled with the package: the slim
 * entry plus an inline module works in Vite without a wasm plugin and survives offline caching
 * as one more JavaScript module.
 */
export async function startAutomerge(): Promise<void> {
  await Automerge.initializeBase64Wasm(automergeWasmBase64);
}
