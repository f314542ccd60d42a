export type {
  Backend,
  BackendCapabilities,
  BackendProvider,
  CreateContext,
  Device,
  GemmOptions,
  Matrix,
  OuterTerm,
  Precision,
} from './backend.js';
export { CSDPRule, type CSDPRuleOptions, type UpdateOptions } from './csdp.js';
export {
  type ArgumentDetails,
  BackendError,
  InputTypeError,
  InvalidValueError,
  isArgumentError,
  ShapeError,
} from './errors.js';
export {
  MAX_ROW_LOSS,
  NORM_FLOOR,
  normalizeRows,
  PROBABILITY_FLOOR,
  SpikeContrastiveLoss,
  type SpikeContrastiveLossOptions,
} from './infonce.js';
export { matrix, toArray, zeros } from './matrix.js';
export { Random } from './random.js';
export {
  type BackendInfo,
  getBackend,
  isBackend,
  listBackends,
  ready,
  registerBackend,
  resetBackends,
  resolveBackend,
  setBackend,
} from './registry.js';
export type { MatrixInput, VectorInput } from './validate.js';
