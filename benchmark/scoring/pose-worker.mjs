// Worker-thread entry of the DTW-MJE pool (pose-pool.ts): loads the TypeScript sources through tsx, as
// bin/signbench.js does, then runs the worker loop.
import { register } from 'tsx/esm/api';
register();
await import('./pose-worker-loop.ts');
