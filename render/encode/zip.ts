import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import yazl from 'yazl';
import { encodeFramesOrdered, type EncodeOptions, type FrameSource } from './frames.js';
import { encodePng, pngFrameName } from './png.js';

/** Writes every frame as a PNG entry (000000.png, …) of one zip file, stored uncompressed (PNG is compressed). */
export async function writePngZip(source: FrameSource, file: string, opts: EncodeOptions = {}): Promise<number> {
  const zip = new yazl.ZipFile();
  const out = createWriteStream(file);
  const done = finished(zip.outputStream.pipe(out));
  try {
    await encodeFramesOrdered(
      source,
      (raw) => encodePng(raw, source.width, source.height),
      async (png, i) => {
        zip.addBuffer(png, pngFrameName(i), { compress: false });
        // Let the zip stream drain before more frames pile up behind it.
        if (out.writableLength > 8 * 1024 * 1024) await new Promise<void>((r) => out.once('drain', () => r()));
      },
      opts,
    );
  } finally {
    zip.end();
    await done;
  }
  return source.count;
}
