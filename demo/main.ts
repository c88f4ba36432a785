// The demo's entry: everything else starts from here.
import { startApp } from './app.js';

void startApp();
