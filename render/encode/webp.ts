import { open } from 'node:fs/promises';
import sharp from 'sharp';
import { encodeFramesOrdered, frameDuration, type EncodeOptions, type FrameSource } from './frames.js';

/** Largest value of WebP's 24-bit frame fields. */
const MAX24 = 0xffffff;

/** The VP8L chunk (header + payload, padded) of a single-frame lossless WebP as sharp writes it. */
function vp8lChunk(webp: Buffer): Buffer {
  if (webp.toString('latin1', 0, 4) !== 'RIFF' || webp.toString('latin1', 8, 12) !== 'WEBP') throw new Error('sharp returned no WebP');
  for (let p = 12; p + 8 <= webp.length; ) {
    const size = webp.readUInt32LE(p + 4);
    const padded = size + (size & 1);
    if (webp.toString('latin1', p, p + 4) === 'VP8L') return webp.subarray(p, p + 8 + padded);
    p += 8 + padded;
  }
  throw new Error('sharp returned a WebP without a lossless (VP8L) frame');
}

function u24(buf: Buffer, at: number, v: number): void {
  buf.writeUIntLE(v, at, 3);
}

/**
 * Writes an animated lossless WebP. Each frame is encoded by sharp on its own (in parallel, streamed) and its
 * VP8L bitstream is wrapped in an ANMF chunk of one RIFF container, whose size is patched in at the end.
 */
export async function writeAnimatedWebp(source: FrameSource, file: string, opts: EncodeOptions = {}): Promise<number> {
  const { width, height, fps } = source;
  if (width > MAX24 + 1 || height > MAX24 + 1) throw new Error(`webp: ${width}×${height} is too large for WebP`);
  const fh = await open(file, 'w');
  try {
    let pos = 0;
    const write = async (b: Buffer): Promise<void> => {
      await fh.write(b, 0, b.length, pos);
      pos += b.length;
    };
    const head = Buffer.alloc(12 + 18 + 14);
    head.write('RIFF', 0, 'latin1');
    head.write('WEBP', 8, 'latin1');
    head.write('VP8X', 12, 'latin1');
    head.writeUInt32LE(10, 16);
    head[20] = 0x02; // animation flag
    u24(head, 24, width - 1);
    u24(head, 27, height - 1);
    head.write('ANIM', 30, 'latin1');
    head.writeUInt32LE(6, 34);
    head.writeUInt32LE(0xff000000, 38); // background: opaque black (BGRA order)
    head.writeUInt16LE(0, 42); // loop forever
    await write(head);
    await encodeFramesOrdered(
      source,
      async (raw) => vp8lChunk(await sharp(raw, { raw: { width, height, channels: 3 } }).webp({ lossless: true, effort: 2 }).toBuffer()),
      async (vp8l, i) => {
        const anmf = Buffer.alloc(24);
        anmf.write('ANMF', 0, 'latin1');
        anmf.writeUInt32LE(16 + vp8l.length, 4);
        // x/2, y/2 = 0; width-1, height-1; duration (ms); flags 0b10: no blending, no disposal
        u24(anmf, 14, width - 1);
        u24(anmf, 17, height - 1);
        u24(anmf, 20, Math.min(MAX24, frameDuration(i, fps, 1000)));
        anmf[23] = 0x02;
        await write(anmf);
        await write(vp8l);
      },
      opts,
    );
    if (pos - 8 > 0xffffffff) throw new Error(`webp: ${file} would exceed the 4 GiB RIFF limit; render fewer frames or a smaller size`);
    const size = Buffer.alloc(4);
    size.writeUInt32LE(pos - 8);
    await fh.write(size, 0, 4, 4);
  } finally {
    await fh.close();
  }
  return source.count;
}
