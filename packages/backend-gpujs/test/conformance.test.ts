import { runConformance } from '@contraspike/conformance';
import { gpujsBackend } from '../src/index.js';

runConformance(gpujsBackend, { createOptions: { mode: 'cpu' } });
runConformance(gpujsBackend, { createOptions: { mode: 'webasm' } });
