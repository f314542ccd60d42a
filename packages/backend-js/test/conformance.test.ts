import { runConformance } from '@contraspike/conformance';
import { jsBackend } from '../src/index.js';

runConformance(jsBackend);
