import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProgressLine, runTorchTrainer } from '../../generator/torch-child.js';
import type { TrainProgress } from '../../nn/train-loop.js';

const dir = mkdtempSync(join(tmpdir(), 'signbench-torch-child-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A stand-in trainer (plain Python, no torch): the two progress formats, a message, then a long sleep or an exit.
const script = join(dir, 'trainer.py');
writeFileSync(script, `import sys, time
sys.stderr.write("[torch] cpu: 1234 params, 48 examples\\n")
sys.stderr.write("[torch] step 100/1000 loss 0.01234 (pose 0.0100, hand 0.0023) lr 1.00e-03 12.5 steps/s ETA 72 s\\n")
sys.stderr.write("[nar] step 50 loss 0.0456 (gloss 0.1000) lr 2.00e-04 2.50 steps/s ETA 20 s\\n")
sys.stderr.flush()
if sys.argv[1] == "sleep":
    time.sleep(60)
sys.stderr.write("fatal: something broke\\n")
sys.exit(int(sys.argv[1]))
`);

describe('generator/torch-child.ts: the PyTorch trainers as child processes', () => {
  it('parses both trainers\' progress lines (a time-budgeted run estimates its total)', () => {
    expect(parseProgressLine('[torch] step 100/1000 loss 0.01234 (pose 0.0100) lr 1.00e-03 12.5 steps/s ETA 72 s'))
      .toEqual({ step: 100, steps: 1000, loss: '0.01234 (pose 0.0100)', stepsPerSecond: 12.5, etaSeconds: 72 });
    expect(parseProgressLine('[nar] step 50 loss 0.0456 (gloss 0.1000) lr 2.00e-04 2.50 steps/s ETA 20 s'))
      .toEqual({ step: 50, steps: 100, loss: '0.0456 (gloss 0.1000)', stepsPerSecond: 2.5, etaSeconds: 20 });
    expect(parseProgressLine('[torch] done: 30 steps in 2 s -> out')).toBeNull();
  });

  it('turns stderr into onProgress and onLog calls, and names the failure with the last message', async () => {
    const progress: TrainProgress[] = [];
    const log: string[] = [];
    await expect(runTorchTrainer('python3', script, ['3'], 'test training', { onProgress: (p) => progress.push(p), onLog: (l) => log.push(l) }))
      .rejects.toThrow(/^test training: the PyTorch trainer failed \(exit 3\): fatal: something broke$/);
    expect(progress.map((p) => p.step)).toEqual([100, 50]);
    expect(log).toEqual(['[torch] cpu: 1234 params, 48 examples', 'fatal: something broke']);
    await expect(runTorchTrainer('python3', script, ['0'], 'test training')).resolves.toBeUndefined();
  });

  it('kills the trainer on abort and rejects with an aborted error', async () => {
    const ctl = new AbortController();
    const run = runTorchTrainer('python3', script, ['sleep'], 'test training', { signal: ctl.signal, onProgress: () => ctl.abort() });
    await expect(run).rejects.toMatchObject({ kind: 'aborted' });
    await expect(runTorchTrainer('python3', script, ['0'], 'test training', { signal: ctl.signal })).rejects.toMatchObject({ kind: 'aborted' });
  });
});
