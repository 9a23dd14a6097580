import process from 'node:process';
import { runtimeVersion } from '../runtime.ts';

/** Runs the dsg command line and returns the exit code. */
export async function main(args: string[]): Promise<number> {
  if (args[0] === '--version') {
    process.stdout.write(`dsg 0.1.0 (${runtimeVersion})\n`);
    return 0;
  }
  process.stderr.write('dsg: not implemented yet\n');
  return 2;
}
