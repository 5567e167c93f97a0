import { jest } from '@jest/globals';
import { runCli } from '../src/cli/main.js';

export interface RelxRun {
  code: number;
  out: string;
  err: string;
}

/**
 * The relx CLI run in-process through its own entry, each call's stdout and error lines captured
 * (progress on stderr is dropped). Call it at the top of a test file: it installs the capture
 * before each test and restores everything after.
 */
export function relxInProcess(): (...args: string[]) => Promise<RelxRun> {
  let out = '';
  let err = '';
  beforeEach(() => {
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    jest
      .spyOn(console, 'error')
      .mockImplementation((...args: unknown[]) => void (err += `${args.join(' ')}\n`));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.exitCode = undefined;
  });
  return async (...args) => {
    out = '';
    err = '';
    const code = await runCli(args);
    return { code, out, err };
  };
}
