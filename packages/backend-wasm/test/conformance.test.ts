import { runConformance } from '@contraspike/conformance';
import { wasmBackend } from '../src/index.js';

runConformance(wasmBackend, { createOptions: { threads: 1 } });
runConformance(wasmBackend, { createOptions: { threads: 2 } });
