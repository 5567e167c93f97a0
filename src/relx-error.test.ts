import { configurationError, renderError, RelxError, transientError } from './relx-error.js';

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
