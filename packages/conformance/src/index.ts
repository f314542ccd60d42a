export { type CrossCheckOptions, crossCheck } from './cross-check.js';
export { type CsdpCase, csdpCases, type InfonceCase, infonceCases, type Tensor, tensorToMatrix } from './fixtures.js';
export * from './oracle.js';
export { type OptionCase, optionErrors, rejection } from './provider-options.js';
export { type ConformanceOptions, randomMatrix, runConformance } from './suite.js';
export { compareArrays, isClose, maxAbs, type Tolerance, toleranceFor } from './tolerance.js';
