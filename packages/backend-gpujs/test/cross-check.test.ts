import { jsBackend } from '@contraspike/backend-js';
import { crossCheck } from '@contraspike/conformance';
import { gpujsBackend } from '../src/index.js';

crossCheck(gpujsBackend, { reference: jsBackend, createOptions: { mode: 'cpu' } });
crossCheck(gpujsBackend, { reference: jsBackend, createOptions: { mode: 'webasm' } });
