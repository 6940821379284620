import { readFileSync } from 'node:fs';
import { splitSegments } from '../../benchmark/metrics/text/segments.js';
import { sharedPath } from '../shared.js';

/** Segments of a file under ../shared/fixtures/metrics, read in place. */
export function fixtureLines(name: string): string[] {
  return splitSegments(readFileSync(sharedPath('fixtures', 'metrics', name), 'utf8'));
}

export function fixtureJson<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(sharedPath('fixtures', ...parts), 'utf8')) as T;
}
