import { describe, expect, it } from 'vitest';
import { PoseSequence } from '../../pose/sequence.js';
import { FRAME_STRIDE } from '../../pose/skeleton.js';
import { frameRenderer, MAX_RENDER_SIDE, renderComparison, renderFrame, renderSequence, syntheticSequence } from '../../render/index.js';
import type { RenderStyle } from '../../render/index.js';

const seq = syntheticSequence(2, { width: 64, height: 48 });

describe('bad input gives clear errors, never a crash or a huge allocation', () => {
  it('a sequence without frames', async () => {
    const empty = PoseSequence.empty({ id: 'nothing', fps: 24, width: 64, height: 48 }, 0);
    await expect(renderSequence(empty, { style: 'controlnet', format: 'png', out: '/tmp/never-written' })).rejects.toThrow(/nothing: the sequence has no frames/);
    expect(() => renderFrame(empty, 0, { style: 'controlnet' })).toThrow(/frame 0 is out of range/);
  });

  it('NaN or infinite values name the frame and point', () => {
    const bad = seq.clone();
    bad.data[FRAME_STRIDE + 7 * 3 + 1] = NaN;
    expect(() => renderFrame(bad, 1, { style: 'signverse-thin' })).toThrow(/frame 1, point 7 \(body\.l_wrist\): y is NaN/);
    bad.data[2] = Infinity;
    expect(() => renderFrame(bad, 0, { style: 'controlnet' })).toThrow(/frame 0, point 0 .*confidence is Infinity/);
  });

  it('zero, negative, fractional and gigantic sizes', () => {
    expect(() => renderFrame(seq, 0, { style: 'controlnet', width: 0, height: 10 })).toThrow(/width must be a positive integer, got 0/);
    expect(() => renderFrame(seq, 0, { style: 'controlnet', width: 10, height: -3 })).toThrow(/height must be a positive integer, got -3/);
    expect(() => renderFrame(seq, 0, { style: 'controlnet', width: 10.5, height: 10 })).toThrow(/positive integer/);
    expect(() => renderFrame(seq, 0, { style: 'controlnet', width: 100_000, height: 100_000 })).toThrow(new RegExp(`exceeds the maximum of ${MAX_RENDER_SIDE}`));
    // Within the side limit but an extreme aspect ratio: SignVerse's 2160-short-side canvas would be gigantic.
    expect(() => frameRenderer('signverse-bold', 8192, 2)).toThrow(/drawing canvas .* more than .* pixels allowed/);
    const noSize = new PoseSequence({ id: 'nosize', fps: 24, width: 0, height: 0 }, new Float32Array(FRAME_STRIDE));
    expect(() => renderFrame(noSize, 0, { style: 'controlnet' })).toThrow(/nosize: no usable frame size .* pass width and height/);
    expect(renderFrame(noSize, 0, { style: 'controlnet', width: 8, height: 8 }).length).toBe(8 * 8 * 3);
  });

  it('unknown style or format, wrong buffer, frame out of range', async () => {
    expect(() => renderFrame(seq, 0, { style: 'openpose' as RenderStyle })).toThrow(/unknown render style "openpose": choose one of controlnet, signverse-thin, signverse-bold/);
    await expect(renderSequence(seq, { style: 'controlnet', format: 'avi' as 'png', out: '/tmp/x' })).rejects.toThrow(/unknown output format "avi"/);
    expect(() => renderFrame(seq, 0, { style: 'controlnet' }, new Uint8Array(5))).toThrow(/output buffer has 5 bytes, 9216 needed/);
    expect(() => renderFrame(seq, 2, { style: 'controlnet' })).toThrow(/frame 2 is out of range \(the sequence has 2 frames\)/);
    expect(() => renderFrame(seq, -1, { style: 'controlnet' })).toThrow(/out of range/);
    await expect(renderComparison([], { style: 'controlnet', format: 'png', out: '/tmp/x' })).rejects.toThrow(/at least one sequence/);
  });

  it('far-off and absurd coordinates render without error', () => {
    const wild = seq.clone();
    for (let i = 0; i < wild.data.length; i += 3) {
      wild.data[i] = i % 2 ? 1e30 : -3e7;
      wild.data[i + 1] = i % 5 ? -1e12 : 0.5;
    }
    for (const style of ['controlnet', 'signverse-thin', 'signverse-bold'] as const) {
      expect(renderFrame(wild, 0, { style }).length).toBe(64 * 48 * 3);
    }
  });

  it('a frame with nobody in it is black', () => {
    const none = new PoseSequence({ ...seq.meta }, seq.data.slice(), new Uint8Array([0, 1]));
    for (const style of ['controlnet', 'signverse-thin', 'signverse-bold'] as const) {
      expect(renderFrame(none, 0, { style }).every((v) => v === 0)).toBe(true);
      expect(renderFrame(none, 1, { style }).some((v) => v !== 0)).toBe(true);
    }
  });
});
