import type { Command } from 'commander';
import { printJson } from '../output.js';
import { fpsOption, positiveInt, SIGNVERSE_HANDS_HELP, signverseHandsOption } from '../options.js';
import { withProgressBar } from '../progress.js';
import type { ComparisonItem } from '../../render/index.js';

interface SizeOpts {
  width?: string;
  height?: string;
  fps?: string;
}

/** Largest --width/--height (render/frame.ts MAX_RENDER_SIDE). */
const MAX_SIDE = 8192;

function sizeOpts(o: SizeOpts): { width?: number; height?: number; fps?: number } {
  return { width: positiveInt(o.width, '--width', MAX_SIDE), height: positiveInt(o.height, '--height', MAX_SIDE), fps: fpsOption(o.fps, '--fps') };
}

/** Runs a render with a progress bar on stderr and times it. */
async function withProgress<T>(label: string, run: (onProgress: (done: number, total: number) => void) => Promise<T>): Promise<{ result: T; seconds: number }> {
  const t0 = performance.now();
  const result = await withProgressBar(`${label} [{bar}] {value}/{total} frames | {eta_formatted} left`, {}, (bar) => run((done, total) => bar.update(done, total)));
  return { result, seconds: (performance.now() - t0) / 1000 };
}

async function readFirst(path: string, signverseHands?: string) {
  const { readFirstPose } = await import('../../pose/io.js');
  return readFirstPose(path, { signverseHands: signverseHandsOption(signverseHands) });
}

export function register(program: Command): void {
  program
    .command('render')
    .description('render every frame of the first sequence in INPUT as OpenPose/DWPose control frames')
    .argument('<input>', 'any readable pose file or directory (SignVerse shard/npz, .pose, DWPose/OpenPose JSON, …)')
    .requiredOption('--out <dir>', 'output directory: DIR/000000.png, … for png, DIR/<id>.<format> otherwise (or a file ending in .<format>)')
    .option('--style <style>', 'controlnet | signverse-thin | signverse-bold', 'controlnet')
    .option('--format <format>', 'png | zip | webp | gif | mp4 (default: from an --out ending in .zip/.webp/.gif/.mp4, else png)')
    .option('--width <px>', 'output width (default: the source frame width)')
    .option('--height <px>', 'output height (default: the source frame height)')
    .option('--fps <n>', 'frame rate of webp/gif/mp4 (default: the sequence fps)')
    .option('--json', 'print {"path", "format", "frames", "width", "height", "fps", "seconds"} as one JSON line (width and height as stored; MP4 pads odd sides to even and adds "renderedSize")')
    .option('--signverse-hands <mode>', SIGNVERSE_HANDS_HELP)
    .action(async (input: string, o: SizeOpts & { out: string; style: string; format?: string; json?: boolean; signverseHands?: string }) => {
      const { assertRenderStyle, assertRenderFormat, formatFromPath, renderSequence } = await import('../../render/index.js');
      const { assertNotInput } = await import('../../pose/fsio.js');
      const style = assertRenderStyle(o.style);
      const format = assertRenderFormat(o.format ?? formatFromPath(o.out) ?? 'png');
      const size = sizeOpts(o);
      await assertNotInput(o.out, [input]);
      const seq = await readFirst(input, o.signverseHands);
      const { result, seconds } = await withProgress(`render ${style}`, (onProgress) =>
        renderSequence(seq, { style, format, out: o.out, ...size, onProgress }));
      if (o.json) {
        printJson({ ...result, seconds });
        return;
      }
      process.stderr.write(`${seq.id}: ${result.frames} frames ${result.width}×${result.height} (${style}) → ${result.path} in ${seconds.toFixed(1)} s (${(result.frames / seconds).toFixed(1)} frames/s)\n`);
    });

  program
    .command('compare')
    .description('render several pose sequences side by side with captions (e.g. reference vs generated)')
    .argument('<inputs...>', 'two or more pose files or directories; the first sequence of each is drawn')
    .requiredOption('--out <file>', 'output file (its extension picks the format unless --format is given), or a directory')
    .option('--captions <list>', 'comma-separated captions, one per input (default: the sequence ids)')
    .option('--style <style>', 'controlnet | signverse-thin | signverse-bold', 'controlnet')
    .option('--format <format>', 'png | zip | webp | gif | mp4 (default: from --out, else webp)')
    .option('--width <px>', 'width of each cell (default: the first sequence frame width)')
    .option('--height <px>', 'height of each cell (default: the first sequence frame height)')
    .option('--columns <n>', 'cells per row (default: all in one row)')
    .option('--fps <n>', 'frame rate (default: the first sequence fps)')
    .option('--json', 'print {"path", "format", "frames", "width", "height", "fps", "seconds"} as one JSON line')
    .action(async (inputs: string[], o: SizeOpts & { out: string; captions?: string; style: string; format?: string; columns?: string; json?: boolean }) => {
      const { assertRenderStyle, assertRenderFormat, renderComparison, RENDER_FORMATS } = await import('../../render/index.js');
      const { extname } = await import('node:path');
      const style = assertRenderStyle(o.style);
      const ext = extname(o.out).slice(1).toLowerCase();
      const format = assertRenderFormat(o.format ?? ((RENDER_FORMATS as readonly string[]).includes(ext) ? ext : 'webp'));
      const captions = o.captions === undefined ? undefined : o.captions.split(',').map((s) => s.trim());
      if (captions && captions.length !== inputs.length) {
        throw new Error(`--captions has ${captions.length} entries for ${inputs.length} inputs`);
      }
      const size = sizeOpts(o);
      await (await import('../../pose/fsio.js')).assertNotInput(o.out, inputs);
      const items: ComparisonItem[] = [];
      for (const [k, path] of inputs.entries()) {
        const seq = await readFirst(path);
        items.push({ seq, caption: captions?.[k] ?? seq.id });
      }
      const { result, seconds } = await withProgress(`compare ${style}`, (onProgress) =>
        renderComparison(items, { style, format, out: o.out, ...size, columns: positiveInt(o.columns, '--columns', 64), onProgress }));
      if (o.json) {
        printJson({ ...result, seconds });
        return;
      }
      process.stderr.write(`${items.length} sequences, ${result.frames} frames ${result.width}×${result.height} (${style}) → ${result.path} in ${seconds.toFixed(1)} s\n`);
    });
}
