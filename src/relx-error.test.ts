import {
  configurationError,
  conflictError,
  inputError,
  isRetryable,
  isTransient,
  renderError,
  RelxError,
  transientError,
} from './relx-error.js';

describe('renderError', () => {
  it('names the file, the field and the fix of a configuration error', () => {
    const error = configurationError('unknown component type "helm"', {
      file: 'relx.config.yaml',
      field: 'components.chart.type',
      fix: 'use one of: npm-package, container-image, helm-chart, terraform-module, files',
    });
    expect(renderError(error)).toBe(
      'relx.config.yaml: components.chart.type: unknown component type "helm"\n' +
        'Fix: use one of: npm-package, container-image, helm-chart, terraform-module, files',
    );
    expect(error.terminal).toBe(true);
  });

  it('tells transient errors apart', () => {
    const error = transientError('registry answered 503');
    expect(error).toBeInstanceOf(RelxError);
    expect(error.terminal).toBe(false);
    expect(renderError(error)).toBe('registry answered 503');
  });
});

describe('isTransient and isRetryable: what every retry loop asks the error', () => {
  it('retries transient errors only; terminal ones and errors that are no RelxError stop', () => {
    expect(isTransient(transientError('answered 503'))).toBe(true);
    for (const error of [
      inputError('bad'),
      configurationError('bad'),
      conflictError('taken'),
      new Error('bug'),
      'x',
    ]) {
      expect(isTransient(error)).toBe(false);
      expect(isRetryable(error, true)).toBe(false);
    }
  });

  it('sends a call that is not idempotent again only when it provably did not arrive', () => {
    const lost = transientError('answered 503');
    const refused = transientError('did not answer: ECONNREFUSED', { delivery: 'not-sent' });
    expect([isRetryable(lost, true), isRetryable(lost, false)]).toEqual([true, false]);
    expect([isRetryable(refused, true), isRetryable(refused, false)]).toEqual([true, true]);
  });
});
