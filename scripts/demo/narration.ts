// What the demo prints: a heading per stage with the time since the start, and the relx output
// indented under it.
const started = Date.now();

export const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

/** Seconds since the demo started, e.g. "4.2". */
export const elapsedSeconds = () => ((Date.now() - started) / 1000).toFixed(1);

export function heading(title: string): void {
  console.log(`\n${bold(`▶ ${title}`)}  (${elapsedSeconds()} s)`);
}

export function show(text: string): void {
  console.log(
    text
      .trimEnd()
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n'),
  );
}
