import {
  basicAuthSecrets,
  forgetSecrets,
  rememberBasicCredentials,
  rememberSecret,
  scrubSecrets,
} from './secret-scrubber.js';
import { inputError, renderError } from './relx-error.js';

describe('scrubSecrets', () => {
  afterEach(() => forgetSecrets());

  it.each([
    [
      'an npmrc line',
      '//registry.example/:_authToken=abcdef0123456789',
      '//registry.example/:_authToken=***',
    ],
    [
      'an Authorization header',
      'authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig',
      'authorization: Bearer ***',
    ],
    ['a Basic value', 'Authorization: Basic cmVseDpzM2NyZXQtcGFzcw==', 'Authorization: Basic ***'],
    ['a JSON password', '{"name":"relx","password":"hunter2-hunter2"}', '{"name":"relx","password":"***"}'],
    ['a GitHub token anywhere', 'bad ghp_0123456789abcdefghijABCDEFGHIJ here', 'bad *** here'],
    [
      'credentials in a URL',
      'GET https://relx:s3cret-pass@registry.example/x',
      'GET https://***@registry.example/x',
    ],
    [
      'ordinary words stay',
      'The token: it is missing; pass npm-token.',
      'The token: it is missing; pass npm-token.',
    ],
  ])('%s', (_name, text, scrubbed) => {
    expect(scrubSecrets(text)).toBe(scrubbed);
  });

  it('removes the secrets relx was given, in the encodings they travel in', () => {
    rememberBasicCredentials('relx', 'plain-words-password');
    const basic = Buffer.from('relx:plain-words-password').toString('base64');
    expect(scrubSecrets(`echo plain-words-password / ${basic} / plain-words-password`)).toBe(
      'echo *** / *** / ***',
    );
    expect(scrubSecrets('short abc', ['abc'])).toBe('short abc');
    rememberSecret('opaque-registry-secret');
    expect(renderError(inputError('answered 403: opaque-registry-secret is not allowed'))).toBe(
      'answered 403: *** is not allowed',
    );
  });
});

describe('scrubbing secrets from text relx writes', () => {
  it('takes out the value, its URL-encoded and base64 forms, and URL user-info', () => {
    const token = 'glpat-s3cr3t/+value';
    const text = [
      `Authorization: Bearer ${token}`,
      `token=${encodeURIComponent(token)}`,
      `Basic ${Buffer.from('ops:hunter22').toString('base64')}`,
      'http://ops:hunter22@prometheus.example:9090/api',
      'https://x-access-token@github.com/acme/deploy',
    ].join('\n');
    expect(scrubSecrets(text, [token, ...basicAuthSecrets('ops', 'hunter22')])).toBe(
      [
        'Authorization: Bearer ***',
        'token=***',
        'Basic ***',
        'http://***@prometheus.example:9090/api',
        'https://***@github.com/acme/deploy',
      ].join('\n'),
    );
  });

  it('leaves text without secrets as it is, and ignores empty or very short values', () => {
    expect(scrubSecrets('dev now runs 2026.12.0', ['', undefined, null, 'dev'])).toBe(
      'dev now runs 2026.12.0',
    );
  });
});
