/**
 * Metric signatures in the style of sacrebleu and sign-language-processing/pose-evaluation:
 * `name|param:value|…|version:X`, so that a reported number always says how it was computed.
 */

/** Version of the pose-metric definitions in this folder; bump when a definition changes a number. */
export const POSE_METRICS_VERSION = '1.0.0';

export type SignatureValue = string | number | boolean;

/** `name|k1:v1|k2:v2|version:…` in the given parameter order; `|` and `:` inside values become `/` and `=`. */
export function formatSignature(name: string, params: readonly (readonly [string, SignatureValue])[], version = POSE_METRICS_VERSION): string {
  const clean = (v: SignatureValue) => String(v).replace(/\|/g, '/').replace(/:/g, '=');
  return [name, ...params.map(([k, v]) => `${k}:${clean(v)}`), `version:${version}`].join('|');
}
