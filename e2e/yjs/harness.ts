/**
 * The page side of the Yjs specs: larder's public entries, Yjs and the ported y-indexeddb
 * tests on `window`, for `page.evaluate`.
 */
import * as Y from 'yjs';
import * as larder from '../../src/index.js';
import * as larderYjs from '../../src/yjs/index.js';
import * as yjsKit from './page-helpers.js';
import * as yIndexeddbPort from './y-indexeddb.tests.js';

declare global {
  interface Window {
    Y: typeof Y;
    larderYjs: typeof larderYjs;
    yIndexeddbPort: typeof yIndexeddbPort;
    yjsKit: typeof yjsKit;
  }
}

window.Y = Y;
window.larder = larder;
window.larderYjs = larderYjs;
window.yIndexeddbPort = yIndexeddbPort;
window.yjsKit = yjsKit;
document.body.dataset['ready'] = 'true';
