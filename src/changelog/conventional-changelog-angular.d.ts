// conventional-changelog-angular ships no types; relx uses its writer options only.
declare module 'conventional-changelog-angular' {
  import type { Options } from 'conventional-changelog-writer';
  import type { ParserOptions } from 'conventional-commits-parser';

  export default function createPreset(config?: unknown): {
    parser: ParserOptions;
    writer: Options;
    commits: { merges: boolean };
  };
}
