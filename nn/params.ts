import * as tf from '@tensorflow/tfjs';
import { Rng } from './rng.js';

/** How a parameter starts: Xavier-uniform (matrices), zeros, ones, N(0, std²), or given values. */
export type ParamInit = 'xavier' | 'zeros' | 'ones' | { normal: number } | Float32Array;

/** A parameter as plain data: what checkpoints and the ONNX exporters read. */
export interface ParamData {
  shape: number[];
  data: Float32Array;
}

/** Anything that can hand out weights by name (a live ParamStore or a loaded checkpoint). */
export interface WeightSource {
  weight(name: string): ParamData;
}

let storeCounter = 0;

function xavierLimit(shape: number[]): number {
  // PyTorch's xavier_uniform_: fan_in = size(1)·receptive, fan_out = size(0)·receptive; symmetric for 2-D.
  const fanIn = shape.length >= 2 ? shape[shape.length - 2] : shape[0];
  const fanOut = shape[shape.length - 1];
  return Math.sqrt(6 / (fanIn + fanOut));
}

/**
 * Named trainable parameters (tf.variable), created in a fixed order from a seeded PRNG so that the same seed gives
 * the same weights. Variable names inside tfjs are made unique per store, so several models can live in one process;
 * the public names (`enc.0.attn.q.w`) are what checkpoints and exporters use.
 */
export class ParamStore implements WeightSource {
  private readonly vars = new Map<string, tf.Variable>();
  private readonly prefix: string;
  readonly rng: Rng;

  constructor(seed = 0) {
    this.rng = new Rng(seed);
    this.prefix = `ps${++storeCounter}/`;
  }

  add(name: string, shape: number[], init: ParamInit = 'xavier'): tf.Variable {
    if (this.vars.has(name)) throw new Error(`parameter ${name} is defined twice`);
    const size = shape.reduce((a, b) => a * b, 1);
    let values: Float32Array;
    if (init instanceof Float32Array) {
      if (init.length !== size) throw new Error(`parameter ${name}: ${init.length} values for shape [${shape}]`);
      values = init.slice();
    } else {
      values = new Float32Array(size);
      if (init === 'ones') values.fill(1);
      else if (init === 'xavier') {
        const lim = xavierLimit(shape);
        for (let i = 0; i < size; i++) values[i] = this.rng.uniform(-lim, lim);
      } else if (typeof init === 'object') {
        for (let i = 0; i < size; i++) values[i] = this.rng.normal() * init.normal;
      }
    }
    const v = tf.variable(tf.tensor(values, shape, 'float32'), true, this.prefix + name);
    this.vars.set(name, v);
    return v;
  }

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`unknown parameter ${name}`);
    return v;
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  /** Public names in creation order. */
  names(): string[] {
    return [...this.vars.keys()];
  }

  /** Public name of a tfjs variable name (as keyed in tf.variableGrads results). */
  publicName(tfName: string): string {
    return tfName.startsWith(this.prefix) ? tfName.slice(this.prefix.length) : tfName;
  }

  variables(): tf.Variable[] {
    return [...this.vars.values()];
  }

  /** Total number of scalars. */
  count(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  weight(name: string): ParamData {
    const v = this.get(name);
    return { shape: [...v.shape], data: v.dataSync() as Float32Array };
  }

  /** Overwrites a parameter; the shape must match. */
  assign(name: string, data: Float32Array, shape?: number[]): void {
    const v = this.get(name);
    const s = shape ?? v.shape;
    if (s.length !== v.shape.length || s.some((d, i) => d !== v.shape[i])) {
      throw new Error(`parameter ${name}: shape [${s}] does not match the model's [${v.shape}]`);
    }
    if (data.length !== v.size) throw new Error(`parameter ${name}: ${data.length} values for shape [${v.shape}]`);
    v.assign(tf.tensor(data, v.shape, 'float32'));
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}
