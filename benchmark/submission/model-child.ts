/**
 * The child process of a model submission (model.ts): loads an ONNX generator directory through GeneratorRuntime
 * (so every generator kind the runtime serves works) and writes `<out>/<id>.pose` for each prompt of a JSON-lines
 * file. Progress goes to stdout as JSON lines `{"done","total"}`; errors to stderr. Argv: modelDir promptsFile outDir.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GeneratorRuntime } from '../../generator/runtime.js';
import { encodePoseFile } from '../../pose/formats/pose-format.js';

const [modelDir, promptsFile, outDir] = process.argv.slice(2);
if (!modelDir || !promptsFile || !outDir) {
  process.stderr.write('usage: model-child.ts MODEL_DIR PROMPTS_JSONL OUT_DIR\n');
  process.exit(2);
}
const prompts = readFileSync(promptsFile, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { id: string; text: string });
const runtime = await GeneratorRuntime.load(modelDir, { threads: Number(process.env.SIGNBENCH_MODEL_THREADS) || 1 });
try {
  for (const [i, p] of prompts.entries()) {
    const seq = await runtime.generate(p.text, { id: p.id, truncate: true });
    writeFileSync(join(outDir, `${p.id}.pose`), encodePoseFile(seq));
    process.stdout.write(JSON.stringify({ done: i + 1, total: prompts.length }) + '\n');
  }
} finally {
  await runtime.release();
}
