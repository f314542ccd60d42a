/**
 * wasm against js on seeded random inputs: every kernel on small and odd shapes, and gemms large
 * enough (≥ 2²¹ multiply-adds) to be split across threads, with odd sizes that are not multiples of
 * the 4 × 8 tile, one row, and every transpose with and without alpha and beta.
 */
import { jsBackend } from '@contraspike/backend-js';
import { crossCheck } from '@contraspike/conformance';
import { wasmBackend } from '../src/index.js';

const gemmShapes = [
  [163, 64, 205],
  [1, 2100, 1001],
  [517, 33, 130],
  [130, 1030, 17],
] as const;

crossCheck(wasmBackend, { reference: jsBackend, createOptions: { threads: 1 }, gemmShapes });
crossCheck(wasmBackend, { reference: jsBackend, createOptions: { threads: 2 }, gemmShapes });
