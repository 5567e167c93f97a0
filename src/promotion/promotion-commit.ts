/**
 * A promotion is a commit; its trailers are the audit record `relx history` reads back:
 * which manifest, where, what it replaced, who approved, which run, and whether it skipped the
 * environment order (hotfix) or rolled something back.
 */
export interface PromotionRecord {
  manifest: string;
  environment: string;
  previous: string | null;
  approvedBy: string | null;
  run: string | null;
  hotfix: boolean;
  /** The release this promotion rolled back, when it is a rollback. */
  rollbackOf: string | null;
  /** For a one-component rollback: the component. */
  component: string | null;
  /**
   * `Relx-Canary`: a canary step's weight (`5`), `complete` or `abort`; null for a promotion of
   * the whole environment. In a canary commit `manifest` is the canary's release, `previous` the stable one.
   */
  canary?: string | null;
  /** `Relx-Abort-Reason`: why a canary was aborted (one line). */
  abortReason?: string | null;
  /** `Relx-Gate-Report`: the gate's report that decided it (a URL). */
  gateReport?: string | null;
}

const trailerNames: Array<[keyof PromotionRecord, string]> = [
  ['manifest', 'Relx-Manifest'],
  ['environment', 'Relx-Environment'],
  ['previous', 'Relx-Previous'],
  ['approvedBy', 'Relx-Approved-By'],
  ['run', 'Relx-Run'],
  ['hotfix', 'Relx-Hotfix'],
  ['rollbackOf', 'Relx-Rollback-Of'],
  ['component', 'Relx-Component'],
  ['canary', 'Relx-Canary'],
  ['abortReason', 'Relx-Abort-Reason'],
  ['gateReport', 'Relx-Gate-Report'],
];

/** One line, no trailer syntax: text from outside (an approver's name) cannot forge a trailer. */
const oneLine = (value: string) => value.replace(/[\r\n]+/g, ' ').trim();

export function renderPromotionMessage(title: string, record: PromotionRecord): string {
  const lines = [oneLine(title), ''];
  for (const [key, trailer] of trailerNames) {
    const value = record[key];
    if (value === null || value === undefined || value === false) continue;
    lines.push(`${trailer}: ${value === true ? 'true' : oneLine(String(value))}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The record in a promotion commit's message, or null for a commit relx did not make. */
export function parsePromotionMessage(message: string): PromotionRecord | null {
  const trailers = new Map<string, string>();
  for (const line of message.trimEnd().split('\n').reverse()) {
    const match = /^(Relx-[A-Za-z-]+): (.*)$/.exec(line);
    if (!match) break;
    trailers.set(match[1] ?? '', match[2] ?? '');
  }
  const manifest = trailers.get('Relx-Manifest');
  const environment = trailers.get('Relx-Environment');
  if (!manifest || !environment) return null;
  return {
    manifest,
    environment,
    previous: trailers.get('Relx-Previous') ?? null,
    approvedBy: trailers.get('Relx-Approved-By') ?? null,
    run: trailers.get('Relx-Run') ?? null,
    hotfix: trailers.get('Relx-Hotfix') === 'true',
    rollbackOf: trailers.get('Relx-Rollback-Of') ?? null,
    component: trailers.get('Relx-Component') ?? null,
    canary: trailers.get('Relx-Canary') ?? null,
    abortReason: trailers.get('Relx-Abort-Reason') ?? null,
    gateReport: trailers.get('Relx-Gate-Report') ?? null,
  };
}
