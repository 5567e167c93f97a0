/**
 * GitHub refuses a step summary over 1 MiB (the step fails with "$GITHUB_STEP_SUMMARY upload
 * aborted"), and a large monorepo's plan renders to more. The summary is for reading, the full
 * data is in a file: so a summary over the cap is cut at a line, well below GitHub's limit, with
 * a line saying how many rows were left out and where the rest is. Pure.
 */
export const gitHubStepSummaryLimitBytes = 1024 * 1024;
/** Ours: half of GitHub's, leaving room for other steps' summaries in the same job. */
export const stepSummaryCapBytes = 512 * 1024;

export interface FitStepSummaryOptions {
  /** Where the whole text is, e.g. "the `plan-file` output (…/release-plan.json)". */
  whereFull: string;
  capBytes?: number;
}

export interface FittedStepSummary {
  text: string;
  /** Table rows and list items left out; 0 when the summary fits. */
  rowsLeftOut: number;
  cut: boolean;
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
/** A markdown table row (not its `|---|` separator) or a list item: what a reader counts. */
const isRow = (line: string) =>
  (/^\|/.test(line) && !/^\|[\s:|-]+\|\s*$/.test(line)) || /^\s*[-*] /.test(line);

export function fitStepSummary(markdown: string, options: FitStepSummaryOptions): FittedStepSummary {
  const cap = options.capBytes ?? stepSummaryCapBytes;
  if (bytes(markdown) <= cap) return { text: markdown, rowsLeftOut: 0, cut: false };

  const lines = markdown.split('\n');
  const totalRows = lines.filter(isRow).length;
  const notice = (rows: number) =>
    `\n> **Summary cut at ${Math.floor(cap / 1024)} KiB** (GitHub takes at most ${gitHubStepSummaryLimitBytes / 1024 / 1024} MiB): ` +
    `${rows} row(s) left out. The full text is in ${options.whereFull}.\n`;
  // the notice with the largest count it can carry, and a closing tag per possibly open <details>
  const openDetails = (markdown.match(/<details\b/g) ?? []).length;
  const reserve = bytes(notice(totalRows)) + openDetails * bytes('</details>\n') + 3;
  if (reserve >= cap) throw new RangeError(`A summary cap of ${cap} bytes leaves no room for the notice.`);

  let used = 0;
  let kept = 0;
  let keptRows = 0;
  let open = 0;
  for (const line of lines) {
    const size = bytes(line) + 1;
    if (used + size > cap - reserve) break;
    used += size;
    kept += 1;
    if (isRow(line)) keptRows += 1;
    open += (line.match(/<details\b/g) ?? []).length - (line.match(/<\/details>/g) ?? []).length;
  }
  const closing = '</details>\n'.repeat(Math.max(0, open));
  // a blank line first, so that neither the closing tags nor the notice continue a cut table
  const text = `${lines.slice(0, kept).join('\n')}\n\n${closing}${notice(totalRows - keptRows)}`;
  return { text, rowsLeftOut: totalRows - keptRows, cut: true };
}
