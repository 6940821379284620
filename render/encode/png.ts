import { join } from 'node:path';
import sharp from 'sharp';
import { ensureDir, writeFileAtomic } from '../../pose/fsio.js';
import { encodeFramesOrdered, type EncodeOptions, type FrameSource } from './frames.js';

/** PNG bytes of one raw RGB frame. */
export function encodePng(raw: Uint8Array, width: number, height: number): Promise<Buffer> {
  return sharp(raw, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 6 }).toBuffer();
}

/** Name of frame i in a PNG directory: 000000.png, 000001.png, … */
export function pngFrameName(i: number): string {
  return `${String(i).padStart(6, '0')}.png`;
}

/** Writes every frame as DIR/000000.png, 000001.png, …; returns the number written. */
export async function writePngDirectory(source: FrameSource, dir: string, opts: EncodeOptions = {}): Promise<number> {
  await ensureDir(dir);
  await encodeFramesOrdered(
    source,
    async (raw, i) => {
      const png = await encodePng(raw, source.width, source.height);
      await writeFileAtomic(join(dir, pngFrameName(i)), png); // temporary name, then rename: no truncated frame
    },
    () => undefined,
    opts,
  );
  return source.count;
}
