// The renderer: OpenPose/DWPose-style control frames, bit-exact to the reference Python+OpenCV drawings.
export {
  renderFrame, frameRenderer, RENDER_STYLES, MAX_RENDER_SIDE, MAX_CANVAS_PIXELS, isRenderStyle, assertRenderStyle,
  checkRenderSize, resolveRenderSize,
} from './frame.js';
export type { RenderStyle, FrameRenderOptions, FrameRenderer } from './frame.js';
export { renderSequence, renderFramePng, sequenceFrames, writeFrames, outputPath, RENDER_FORMATS, assertRenderFormat, formatFromPath } from './output.js';
export type { RenderFormat, RenderSequenceOptions, RenderOutput } from './output.js';
export { renderComparison } from './compare.js';
export type { ComparisonItem, RenderComparisonOptions } from './compare.js';
export { FFMPEG_MISSING } from './encode/mp4.js';
export type { FrameSource, ProgressCallback } from './encode/frames.js';
export { syntheticSequence } from './synthetic.js';
