// The kit's worker entry: a composition root only. Everything it runs is in src/.
import { serveEngine } from '../src/worker-host.js';

serveEngine(self);
