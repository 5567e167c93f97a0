/**
 * Secrets out of every text relx writes. A registry may echo a credential in a 4xx body
 * (`_authToken=…`, `Authorization: Bearer …`), and that body becomes an error message, a job
 * summary line or an output — where `core.setSecret`'s log masking does not reach. So error
 * texts built from HTTP responses, and every rendered error, go through `scrubSecrets`: the
 * secrets relx was given (remembered when a client is built with them) and the shapes a secret
 * has on the wire.
 */

const mask = '***';
/** Shorter values would scrub ordinary words; no real token is this short. */
const shortest = 6;
const remembered = new Set<string>();

/** Remembers a credential (and the encodings it travels in) so that no text relx writes shows it. */
export function rememberSecret(value: string | undefined | null): void {
  if (!value || value.length < shortest) return;
  remembered.add(value);
  remembered.add(encodeURIComponent(value));
  remembered.add(Buffer.from(value).toString('base64'));
}

/** The secrets of a Basic auth pair, as they may come back: the password and the `user:password` pair. */
export const basicAuthSecrets = (username: string | undefined, password: string | undefined): string[] =>
  password ? [password, `${username ?? ''}:${password}`] : [];

/** A user and password go out as Basic `user:password`: remember that form too. */
export function rememberBasicCredentials(username: string | undefined, password: string | undefined): void {
  rememberSecret(password);
  if (password) rememberSecret(`${username ?? ''}:${password}`);
}

const tokenCharacters = String.raw`[A-Za-z0-9._~+/=%-]{${shortest},}`;
const wireShapes: Array<[RegExp, string]> = [
  // npmrc and form fields: _authToken=…, _auth=…, _password=…, password: …, "token":"…"
  [
    new RegExp(
      String.raw`((?:^|[^A-Za-z0-9_-])["']?(?:_authToken|_auth|_password|password|passwd|token|access_token|refresh_token|client_secret|secret|api[_-]?key|application[_-]?key)["']?\s*[:=]\s*["']?)${tokenCharacters}`,
      'gi',
    ),
    `$1${mask}`,
  ],
  // Authorization header values
  [new RegExp(String.raw`\b(Bearer|Basic|token)(\s+)${tokenCharacters}`, 'gi'), `$1$2${mask}`],
  // GitHub and npm token formats, wherever they appear
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|npm_[A-Za-z0-9]{30,})\b/g, mask],
  // credentials in a URL: https://user:password@host, and a token as the user (https://x-access-token@host)
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@:]+(?::[^/\s@]*)?@/gi, `$1${mask}@`],
];

/** `text` with every known secret and every secret-shaped value replaced by `***`. */
export function scrubSecrets(text: string, secrets: Iterable<string | null | undefined> = []): string {
  const known = [...remembered, ...[...secrets].filter((s): s is string => !!s && s.length >= shortest)];
  // longest first, so a secret that contains another is replaced whole
  let scrubbed = text;
  for (const secret of known.sort((a, b) => b.length - a.length))
    scrubbed = scrubbed.split(secret).join(mask);
  for (const [shape, replacement] of wireShapes) scrubbed = scrubbed.replace(shape, replacement);
  return scrubbed;
}

/** For tests: forget what was remembered. */
export function forgetSecrets(): void {
  remembered.clear();
}
