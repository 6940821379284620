// Shared training/serving stack: tfjs backend, layers, optimizer, checkpoints, training loop, ONNX export, ORT.
export * from './backend.js';
export * from './gradients.js';
export * from './rng.js';
export * from './params.js';
export * from './layers.js';
export * from './optim.js';
export * from './checkpoint.js';
export * from './curve.js';
export * from './train-loop.js';
export * from './onnx/graph.js';
export * from './onnx/layers.js';
export * from './ort.js';
