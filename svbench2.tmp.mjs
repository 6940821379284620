const c00 = process.cpuUsage();
const { readSignVerse } = await import('./dist/pose/signverse/index.js');
let c0 = process.cpuUsage(); const out = [((c0.user - c00.user)/1e3).toFixed(0)];
for await (const s of readSignVerse(process.argv[2])) { const c = process.cpuUsage(c0); out.push(((c.user + c.system)/1e3).toFixed(0)); c0 = process.cpuUsage(); }
console.log(out.join(' '));
