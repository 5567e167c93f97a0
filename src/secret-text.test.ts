import { basicAuthSecrets, scrubSecrets } from './secret-text.js';

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
