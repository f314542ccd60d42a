import { runConformance } from '@contraspike/conformance';
import { jsBackend } from '../src/index.js';

runConformance(jsBackend);
// The plain dense products (no event-driven or sparse paths) meet the same contract.
runConformance(jsBackend, { createOptions: { eventDriven: false } });
