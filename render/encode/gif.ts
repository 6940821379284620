import { open } from 'node:fs/promises';
import sharp from 'sharp';
import { encodeFramesOrdered, frameDuration, type EncodeOptions, type FrameSource } from './frames.js';

/** One frame of a single-image GIF as sharp writes it: its colour table and LZW image data. */
interface GifFrame {
  /** Size bits (0..7) of the colour table: 2^(bits+1) entries. */
  tableBits: number;
  table: Buffer;
  /** LZW minimum code size byte followed by the data sub-blocks and their 0 terminator. */
  image: Buffer;
}

function skipSubBlocks(gif: Buffer, p: number): number {
  while (p < gif.length) {
    const n = gif[p];
    p += 1 + n;
    if (n === 0) return p;
  }
  throw new Error('truncated GIF from sharp');
}

/** Splits a single-frame GIF into its colour table (global or local) and image data. */
function parseGif(gif: Buffer): GifFrame {
  if (gif.toString('latin1', 0, 3) !== 'GIF') throw new Error('sharp returned no GIF');
  let p = 13;
  const lsd = gif[10];
  let tableBits = lsd & 7;
  let table: Buffer = Buffer.alloc(0);
  if (lsd & 0x80) {
    const n = 3 << (tableBits + 1);
    table = gif.subarray(p, p + n);
    p += n;
  }
  while (p < gif.length) {
    const b = gif[p];
    if (b === 0x21) {
      p = skipSubBlocks(gif, p + 2);
    } else if (b === 0x2c) {
      const packed = gif[p + 9];
      p += 10;
      if (packed & 0x80) {
        tableBits = packed & 7;
        const n = 3 << (tableBits + 1);
        table = gif.subarray(p, p + n);
        p += n;
      }
      if (packed & 0x40) throw new Error('interlaced GIF from sharp');
      const start = p;
      p = skipSubBlocks(gif, p + 1);
      if (table.length === 0) throw new Error('GIF frame without a colour table');
      return { tableBits, table, image: gif.subarray(start, p) };
    } else {
      break;
    }
  }
  throw new Error('sharp returned a GIF without an image');
}

/**
 * Writes an animated GIF (looping). Each frame is quantised and encoded by sharp on its own (in parallel,
 * streamed) and keeps its palette as a local colour table; frame delays follow the sequence's fps in 1/100 s.
 */
export async function writeAnimatedGif(source: FrameSource, file: string, opts: EncodeOptions = {}): Promise<number> {
  const { width, height, fps } = source;
  if (width > 0xffff || height > 0xffff) throw new Error(`gif: ${width}×${height} is too large for GIF`);
  const fh = await open(file, 'w');
  try {
    let pos = 0;
    const write = async (b: Buffer): Promise<void> => {
      await fh.write(b, 0, b.length, pos);
      pos += b.length;
    };
    const head = Buffer.alloc(13 + 19);
    head.write('GIF89a', 0, 'latin1');
    head.writeUInt16LE(width, 6);
    head.writeUInt16LE(height, 8);
    head[10] = 0x70; // no global colour table, 8-bit colour resolution
    // NETSCAPE2.0 application extension: loop forever
    Buffer.from([0x21, 0xff, 0x0b, ...Buffer.from('NETSCAPE2.0', 'latin1'), 0x03, 0x01, 0x00, 0x00, 0x00]).copy(head, 13);
    await write(head);
    await encodeFramesOrdered(
      source,
      async (raw) => parseGif(await sharp(raw, { raw: { width, height, channels: 3 } }).gif({ dither: 0, effort: 3 }).toBuffer()),
      async (frame, i) => {
        const ctl = Buffer.from([0x21, 0xf9, 0x04, 0x04, 0, 0, 0, 0x00]); // dispose: do not dispose, no transparency
        ctl.writeUInt16LE(Math.min(0xffff, frameDuration(i, fps, 100)), 4);
        const desc = Buffer.alloc(10);
        desc[0] = 0x2c;
        desc.writeUInt16LE(width, 5);
        desc.writeUInt16LE(height, 7);
        desc[9] = 0x80 | frame.tableBits; // local colour table
        await write(Buffer.concat([ctl, desc, frame.table, frame.image]));
      },
      opts,
    );
    await write(Buffer.from([0x3b]));
  } finally {
    await fh.close();
  }
  return source.count;
}
