#!/usr/bin/env node
// Entry point for `npx signbench`: load the TypeScript CLI through tsx's ESM loader,
// so the package runs straight from the checkout after `npm ci` with no build step.
import { register } from 'tsx/esm/api';
register();
await import('../cli/main.ts');
