import type { Command } from 'commander';
import { printJson } from '../output.js';
import { fpsOption, SIGNVERSE_HANDS_HELP as HANDS_HELP, signverseHandsOption as handsOpt } from '../options.js';

/** Largest frame side given on the command line, in pixels. */
const MAX_FRAME_SIDE = 65_535;

function frameOpts(o: { width?: string; height?: string; fps?: string }) {
  const n = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!(Number.isFinite(x) && x > 0 && x <= MAX_FRAME_SIDE)) throw new Error(`--${name} must be a positive number up to ${MAX_FRAME_SIDE}, got '${v}'`);
    return x;
  };
  return { width: n(o.width, 'width'), height: n(o.height, 'height'), fps: fpsOption(o.fps, '--fps') };
}

export function register(program: Command): void {
  program
    .command('inspect')
    .description('print the format and, per sequence, id, frames, fps, frame size, people and text')
    .argument('<path>', 'a pose file or directory (SignVerse shard/npz, .pose, DWPose/OpenPose JSON, .skels, …)')
    .option('--json', 'one JSON object: {"format", "sequences": [{"id", "frames", "fps", "width", "height", "people", "text", "hands"}]}')
    .option('--width <px>', 'frame width for formats that store none')
    .option('--height <px>', 'frame height for formats that store none')
    .option('--signverse-hands <mode>', HANDS_HELP)
    .action(async (path: string, o: { json?: boolean; width?: string; height?: string; signverseHands?: string }) => {
      const { detectFormat, readPoses } = await import('../../pose/io.js');
      const { format } = await detectFormat(path);
      const sequences: { id: string; frames: number; fps: number; width: number; height: number; people: number; text: string | null; hands?: unknown }[] = [];
      for await (const s of readPoses(path, { ...frameOpts(o), signverseHands: handsOpt(o.signverseHands) })) {
        sequences.push({ id: s.id, frames: s.frames, fps: s.meta.fps, width: s.meta.width, height: s.meta.height, people: s.maxPeople, text: s.meta.text ?? null });
        // which hand labelling multi-person frames got (SignVerse): {labels: stored|repaired, mode, evidence}
        if (s.meta.hands) sequences[sequences.length - 1].hands = s.meta.hands;
      }
      if (o.json) { printJson({ format, sequences }); return; }
      process.stdout.write(`${path}: ${format}, ${sequences.length} sequence${sequences.length === 1 ? '' : 's'}\n`);
      for (const s of sequences) {
        const hands = s.hands ? `  hands ${(s.hands as { labels: string }).labels}` : '';
        process.stdout.write(`  ${s.id}  ${s.frames} frames @ ${s.fps} fps  ${s.width}×${s.height}  people ${s.people}${hands}${s.text ? `  "${s.text}"` : ''}\n`);
      }
    });

  program
    .command('convert')
    .description('convert pose files between formats')
    .argument('<in>', 'any readable pose file or directory')
    .argument('<out>', 'output file, or a directory when the input holds several sequences')
    .option('--to <format>', 'signverse-npz | signverse-tar | pose | dwpose-json (default: from the output extension)')
    .option('--width <px>', 'frame width for inputs that store none')
    .option('--height <px>', 'frame height for inputs that store none')
    .option('--signverse-hands <mode>', HANDS_HELP)
    .option('--layout <layout>', 'signverse-tar / signverse-npz: pipeline (npz/poses.npz with frame_payloads, default) | card (the dataset card: poses.npz with frames in pixels, caption.json)')
    .action(async (input: string, out: string, o: { to?: string; width?: string; height?: string; signverseHands?: string; layout?: string }) => {
      const { WRITE_FORMATS, formatFromExtension, readPoses, writePoses } = await import('../../pose/io.js');
      const to = o.to ?? formatFromExtension(out);
      if (!to) throw new Error(`cannot tell the output format from '${out}': pass --to ${WRITE_FORMATS.join('|')}`);
      if (!(WRITE_FORMATS as readonly string[]).includes(to)) throw new Error(`--to must be one of ${WRITE_FORMATS.join(', ')}, got '${to}'`);
      if (o.layout !== undefined && o.layout !== 'pipeline' && o.layout !== 'card') throw new Error(`--layout must be pipeline or card, got '${o.layout}'`);
      const { assertNotInput } = await import('../../pose/fsio.js');
      await assertNotInput(out, [input]); // converting a file onto itself would destroy it
      const written = await writePoses(out, readPoses(input, { ...frameOpts(o), signverseHands: handsOpt(o.signverseHands) }), to as (typeof WRITE_FORMATS)[number], {
        signverseLayout: o.layout as 'pipeline' | 'card' | undefined,
      });
      process.stderr.write(`wrote ${written.length} file${written.length === 1 ? '' : 's'}${written.length <= 3 ? ': ' + written.join(', ') : ''}\n`);
    });
}
