/**
 * Text relx writes (job summaries, outputs, report files, error messages) with every secret it
 * was given taken out: the value itself, its URL-encoded and base64 forms (a Basic auth header
 * echoed back), and the user-info of any URL. Masking in the log is the runner's; summaries,
 * outputs and files are ours to keep clean.
 */
export function scrubSecrets(text: string, secrets: ReadonlyArray<string | null | undefined>): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    // a very short value would blank out ordinary words; relx's tokens and keys are long
    if (!secret || secret.length < 6) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(Buffer.from(secret).toString('base64'));
  }
  let out = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join('***');
  return out.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@:]+(?::[^/\s@]*)?@/gi, '$1***@');
}

/** The secrets of a Basic auth pair, as they may come back: each part and the encoded pair. */
export const basicAuthSecrets = (username: string | undefined, password: string | undefined): string[] =>
  password ? [password, `${username ?? ''}:${password}`] : [];
