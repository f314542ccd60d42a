export type {
  AdamStepOptions,
  Backend,
  BackendCapabilities,
  BackendProvider,
  CreateContext,
  Device,
  GemmOptions,
  LifParams,
  LifState,
  Matrix,
  OuterTerm,
  Precision,
} from './backend.js';
export { CSDPRule, type CSDPRuleOptions, type UpdateOptions } from './csdp.js';
export {
  type CSDPBatchStats,
  CSDPNetwork,
  type CSDPNetworkOptions,
  type CSDPRecording,
  type CSDPTrainOptions,
} from './csdp-network.js';
export {
  type ArgumentDetails,
  BackendError,
  describeValue,
  InputTypeError,
  InvalidValueError,
  isArgumentError,
  ShapeError,
} from './errors.js';
export {
  CONTRASTIVE_VARIANTS,
  type ContrastiveVariant,
  type GradOutputs,
  type LossWithGrad,
  MASKED_LOGIT,
  MAX_ROW_LOSS,
  NORM_FLOOR,
  normalizeRows,
  PROBABILITY_FLOOR,
  SpikeContrastiveLoss,
  type SpikeContrastiveLossOptions,
} from './infonce.js';
export { LIFLayer, type LIFOptions } from './lif.js';
export { type GemmCall, gemmCall, matrix, rowBlock, toArray, zeros } from './matrix.js';
export { LinearProbe, type LinearProbeOptions } from './probe.js';
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
export {
  addNoiseSpikes,
  dropSpikes,
  encodeLatency,
  encodeRates,
  jitterSpikes,
  mixSpikes,
  type RateEncodeOptions,
  type SpikeTrain,
  sampleBernoulli,
  spikeRates,
  toRandom,
} from './spikes.js';
export {
  allFinite,
  booleanOption,
  checkOptions,
  integerInRange,
  type MatrixInput,
  nonNegativeFinite,
  numberInRange,
  oneOf,
  positiveFinite,
  type VectorInput,
} from './validate.js';
