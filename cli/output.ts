/** Print a value as one line of JSON on stdout (the CLI's `--json` contract). */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}
