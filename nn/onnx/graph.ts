import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type AttrValue = number | string | number[] | { ints: number[] } | { floats: number[] } | { tensor: TensorSpec };

/** ONNX opset the exporters target. */
export const OPSET = 17;
/** IR version written into the model (ONNX 1.12+ reads it; onnx-proto knows up to 8). */
export const IR_VERSION = 8;

export type ElemType = 'float32' | 'float16' | 'int64' | 'int32' | 'bool';
/** A dimension: a fixed size or a symbolic name (`batch`, `tokens`). */
export type Dim = number | string;

export interface TensorSpec {
  type: ElemType;
  dims: number[];
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
}

const ELEM: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** IEEE half-precision bits of a float (round to nearest even; overflow → ±inf, tiny → subnormal or 0). */
export function toFloat16Bits(v: number): number {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  f[0] = v;
  const x = u[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1))) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h++;
  return sign | h; // a carry into the exponent is the correct rounding (up to inf)
}

function tensorProto(name: string, t: TensorSpec): onnxProto.onnx.ITensorProto {
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return { name, dims: t.dims, dataType: ELEM[t.type], rawData: bytes.slice() };
}

function valueInfo(name: string, type: ElemType, dims: Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM[type],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, v: AttrValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') {
    return Number.isInteger(v) ? { name, type: T.INT, i: v } : { name, type: T.FLOAT, f: v };
  }
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  if ('ints' in v) return { name, type: T.INTS, ints: v.ints };
  if ('floats' in v) return { name, type: T.FLOATS, floats: v.floats };
  return { name, type: T.TENSOR, t: tensorProto(name, v.tensor) };
}

/**
 * Builds an ONNX graph from JS (opset 17) with onnx-proto: inputs/outputs with symbolic dims, initializers
 * (deduplicated by name), constants and nodes with generated names. `toBytes()` gives the .onnx file.
 * Float attributes: pass `{ floats: [x] }` or a non-integer number; an integral number becomes an INT attribute,
 * so use `attrFloat(1)` when a float attribute happens to be integral.
 */
export class OnnxGraph {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly inits = new Map<string, onnxProto.onnx.ITensorProto>();
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private counter = 0;
  /** Float attributes that must stay FLOAT even when integral. */
  private readonly floatAttrs = new Set<string>(['epsilon', 'alpha', 'beta']);

  constructor(readonly name: string) {}

  input(name: string, type: ElemType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  output(name: string, type: ElemType, dims: Dim[]): string {
    this.outputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Adds (once) a named initializer. */
  initializer(name: string, t: TensorSpec): string {
    if (!this.inits.has(name)) this.inits.set(name, tensorProto(name, t));
    return name;
  }

  hasInitializer(name: string): boolean {
    return this.inits.has(name);
  }

  /** A float32 constant (as an initializer with a generated name). */
  constFloat(values: number[] | Float32Array, dims: number[] = [values.length]): string {
    return this.initializer(this.fresh('cf'), { type: 'float32', dims, data: Float32Array.from(values) });
  }

  /** An int64 constant (shapes, axes, indices). */
  constInt64(values: number[], dims: number[] = [values.length]): string {
    return this.initializer(this.fresh('ci'), { type: 'int64', dims, data: BigInt64Array.from(values.map((v) => BigInt(v))) });
  }

  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  /** Adds a node; returns its output names (generated unless given). */
  node(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs: number | string[] = 1): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(op.toLowerCase())) : outputs;
    const T = onnx.AttributeProto.AttributeType;
    const attribute_ = Object.entries(attrs).map(([k, v]) =>
      typeof v === 'number' && this.floatAttrs.has(k) ? { name: k, type: T.FLOAT, f: v } : attribute(k, v));
    this.nodes.push({ opType: op, input: inputs, output: outs, name: this.fresh(`n_${op}`), attribute: attribute_ });
    return outs;
  }

  /** Single-output node. */
  op(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, output?: string): string {
    return this.node(op, inputs, attrs, output ? [output] : 1)[0];
  }

  /** Renames a value into a graph output by an Identity node. */
  identity(x: string, name: string): string {
    return this.op('Identity', [x], {}, name);
  }

  /**
   * `float16Weights`: float32 initializers of at least 1,024 values are stored as float16 and cast back to float32
   * when the graph starts (half the file; the arithmetic stays float32).
   */
  toBytes(opts: { producer?: string; docString?: string; metadata?: Record<string, string>; float16Weights?: boolean } = {}): Uint8Array {
    let inits = [...this.inits.values()];
    let nodes = this.nodes;
    if (opts.float16Weights) {
      const casts: onnxProto.onnx.INodeProto[] = [];
      inits = inits.map((t) => {
        const n = (t.dims ?? []).reduce((a: number, b) => a * Number(b), 1);
        if (t.dataType !== ELEM.float32 || n < 1024) return t;
        const raw = t.rawData as Uint8Array;
        const f = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
        const h = Uint16Array.from(f, toFloat16Bits);
        const name = `${t.name}__f16`;
        casts.push({ opType: 'Cast', input: [name], output: [t.name as string], name: this.fresh('n_Cast16'), attribute: [attribute('to', ELEM.float32)] });
        return { name, dims: t.dims, dataType: ELEM.float16, rawData: new Uint8Array(h.buffer) };
      });
      nodes = [...casts, ...nodes];
    }
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: opts.producer ?? 'signbench',
      producerVersion: '0.1.0',
      docString: opts.docString ?? '',
      opsetImport: [{ domain: '', version: OPSET }],
      metadataProps: Object.entries(opts.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.name,
        node: nodes,
        initializer: inits,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
