// Text → pose generator (SignDW-style): tokenizer, tfjs model and training, ONNX export, ORT runtime.
export * from './config.js';
export * from './tokenizer.js';
export * from './features.js';
export * from './manifest.js';
export * from './runtime.js';
export type { TrainingExample } from '../corpus/training.js';
export type { TrainGeneratorOptions, TrainGeneratorResult, CorpusInfo } from './train.js';
