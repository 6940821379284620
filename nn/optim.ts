import * as tf from '@tensorflow/tfjs';
import type { ParamData, ParamStore } from './params.js';

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay (AdamW), applied to parameters of rank ≥ 2 only (not biases or LayerNorm gains). */
  weightDecay?: number;
  /** Clip gradients to this global L2 norm (0 or undefined = no clipping). */
  clipNorm?: number;
}

/** Learning-rate schedule: linear warm-up to `lr`, then cosine decay to `minLr` at `totalSteps`. */
export function warmupCosine(opts: { lr: number; totalSteps: number; warmupSteps?: number; minLr?: number }): (step: number) => number {
  const warm = Math.max(0, opts.warmupSteps ?? 0);
  const minLr = opts.minLr ?? 0;
  const total = Math.max(1, opts.totalSteps);
  return (step: number) => {
    if (step < warm) return (opts.lr * (step + 1)) / warm;
    const progress = Math.min(1, (step - warm) / Math.max(1, total - warm));
    return minLr + 0.5 * (opts.lr - minLr) * (1 + Math.cos(Math.PI * progress));
  };
}

/** Scales gradients so that their global L2 norm is at most `maxNorm`; returns the norm before clipping. */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): { grads: Record<string, tf.Tensor>; norm: number } {
  const names = Object.keys(grads);
  const norm = Math.sqrt(tf.tidy(() => tf.addN(names.map((n) => tf.sum(tf.square(grads[n])))).dataSync()[0]));
  if (!(maxNorm > 0) || norm <= maxNorm || !Number.isFinite(norm)) return { grads, norm };
  const scale = maxNorm / (norm + 1e-6);
  const out: Record<string, tf.Tensor> = {};
  for (const n of names) {
    out[n] = tf.mul(grads[n], scale);
    grads[n].dispose();
  }
  return { grads: out, norm };
}

/**
 * Adam / AdamW over a ParamStore, with bias correction as in PyTorch. Its moments can be exported and restored,
 * so a resumed run continues exactly.
 */
export class Adam {
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private t = 0;
  readonly opts: Required<AdamOptions>;

  constructor(private readonly params: ParamStore, opts: AdamOptions = {}) {
    this.opts = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, clipNorm: 0, ...opts };
    for (const name of params.names()) {
      const p = params.get(name);
      this.m.set(name, tf.variable(tf.zerosLike(p), false));
      this.v.set(name, tf.variable(tf.zerosLike(p), false));
    }
  }

  /** Number of updates applied so far. */
  get step(): number {
    return this.t;
  }

  /** Applies one update from gradients keyed by public parameter name; disposes them. Returns the gradient norm. */
  apply(grads: Record<string, tf.Tensor>, lr: number): number {
    const clipped = clipByGlobalNorm(grads, this.opts.clipNorm);
    this.t++;
    const { beta1, beta2, eps, weightDecay } = this.opts;
    const c1 = 1 - Math.pow(beta1, this.t);
    const c2 = 1 - Math.pow(beta2, this.t);
    tf.tidy(() => {
      for (const [name, g] of Object.entries(clipped.grads)) {
        const p = this.params.get(name);
        const m = this.m.get(name);
        const v = this.v.get(name);
        if (!m || !v) throw new Error(`optimizer: no state for parameter ${name}`);
        const m1 = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
        const v1 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
        m.assign(m1);
        v.assign(v1);
        let update = tf.div(tf.div(m1, c1), tf.add(tf.sqrt(tf.div(v1, c2)), eps));
        if (weightDecay > 0 && p.rank >= 2) update = tf.add(update, tf.mul(p, weightDecay));
        p.assign(tf.sub(p, tf.mul(update, lr)));
      }
    });
    for (const g of Object.values(clipped.grads)) g.dispose();
    return clipped.norm;
  }

  /** Moments as named arrays (`adam.m/<param>`, `adam.v/<param>`) for checkpoints. */
  exportState(): { step: number; tensors: Map<string, ParamData> } {
    const tensors = new Map<string, ParamData>();
    for (const [name, m] of this.m) tensors.set(`adam.m/${name}`, { shape: [...m.shape], data: m.dataSync() as Float32Array });
    for (const [name, v] of this.v) tensors.set(`adam.v/${name}`, { shape: [...v.shape], data: v.dataSync() as Float32Array });
    return { step: this.t, tensors };
  }

  importState(step: number, tensors: Map<string, ParamData>): void {
    for (const [kind, store] of [['m', this.m], ['v', this.v]] as const) {
      for (const [name, variable] of store) {
        const t = tensors.get(`adam.${kind}/${name}`);
        if (!t) throw new Error(`optimizer state lacks adam.${kind}/${name}`);
        if (t.data.length !== variable.size) throw new Error(`optimizer state adam.${kind}/${name} has ${t.data.length} values, expected ${variable.size}`);
        variable.assign(tf.tensor(t.data, variable.shape, 'float32'));
      }
    }
    this.t = step;
  }

  dispose(): void {
    for (const x of [...this.m.values(), ...this.v.values()]) x.dispose();
  }
}
