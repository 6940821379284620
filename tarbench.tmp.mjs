import { createReadStream } from 'node:fs';
import { readTar } from './dist/pose/tar.js';
const c0 = process.cpuUsage(); const t0 = performance.now();
let n = 0;
for await (const m of readTar(createReadStream(process.argv[2], { highWaterMark: 1 << 20 }), 'x')) if (m.data) n += m.data.length;
const c = process.cpuUsage(c0);
console.log(n, ((performance.now() - t0)/1000).toFixed(2), 's wall', ((c.user + c.system)/1e6).toFixed(2), 's cpu');
