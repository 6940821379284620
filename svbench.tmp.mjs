import { readSignVerse } from './dist/pose/signverse/index.js';
for (let r = 0; r < 3; r++) {
  const c0 = process.cpuUsage(); const t0 = performance.now(); let f = 0;
  for await (const s of readSignVerse(process.argv[2])) f += s.frames;
  const c = process.cpuUsage(c0);
  console.log(f, ((performance.now() - t0)/1000).toFixed(2), 's wall', ((c.user + c.system)/1e6).toFixed(2), 's cpu', (process.resourceUsage().maxRSS/1024).toFixed(0), 'MB');
}
