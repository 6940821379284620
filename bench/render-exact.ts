/**
 * Render exactness against OpenCV (not a speed figure): draws N random primitives (default 100,000: limb ellipses,
 * annotator limbs from float endpoints, lines, filled circles on canvases of 64..2160 px) with OpenCV in one Python
 * process and with our rasteriser, and lists every primitive whose pixels differ. Needs a python3 with cv2 and numpy
 * (Debian: `apt-get install python3-opencv`; or set SIGNBENCH_OPENCV_PYTHON).
 *
 *   npx tsx bench/render-exact.ts [--count 100000] [--seed 1] [--json]
 */
import { compareWithOpenCv, findOpenCvPython } from './exactness/opencv-compare.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const count = arg('count', 100_000);
const seed = arg('seed', 1);
const py = findOpenCvPython();
if (!py) {
  console.error('render-exact: no python3 with cv2 and numpy (apt-get install python3-opencv, or set SIGNBENCH_OPENCV_PYTHON)');
  process.exit(2);
}
const t0 = performance.now();
const report = compareWithOpenCv(count, seed, py.python, py.version);
const seconds = (performance.now() - t0) / 1000;
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ count, seed, python: py.python, seconds, ...report }, null, 2));
} else {
  console.log(`OpenCV ${py.version} (cv2, numpy) via ${py.python}; ${count} primitives, seed ${seed}, ${seconds.toFixed(1)} s`);
  for (const k of Object.keys(report.compared) as (keyof typeof report.compared)[]) {
    console.log(`  ${k.padEnd(8)} ${String(report.compared[k]).padStart(7)} compared, ${report.differing[k]} differ`);
  }
  for (const d of report.differences.slice(0, 20)) console.log(`  differs: ${JSON.stringify(d)}`);
}
process.exit(report.differences.length === 0 ? 0 : 1);
