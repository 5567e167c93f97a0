import { planRollbackRequest } from './rollback-request.js';
import type { SloGateReport } from './run-slo-gate.js';

const report = (verdict: SloGateReport['verdict'], passed = false): SloGateReport =>
  ({
    verdict,
    passed,
    reason: verdict === 'fail' ? '1 of 2 sample(s) failed (the limit is 1)' : `it is ${verdict}`,
    samples: [
      {
        at: '2026-12-02T10:00:00.000Z',
        outcome: 'pass',
        objectives: [{ objective: 'maxErrorRateDelta', outcome: 'pass', reason: 'fine' }],
      },
      {
        at: '2026-12-02T10:05:00.000Z',
        outcome: verdict === 'fail' ? 'fail' : 'pass',
        objectives: [
          {
            objective: 'maxP99LatencyDeltaMs',
            outcome: verdict === 'fail' ? 'fail' : 'pass',
            reason: 'canary 900 ms − baseline 500 ms = 400 ms > 100 ms',
          },
        ],
      },
    ],
  }) as unknown as SloGateReport;
const where = {
  environment: 'prod',
  reportUrl: 'https://github.com/acme/deploy/actions/runs/9',
  runUrl: 'https://github.com/acme/deploy/actions/runs/9',
};
const canary = {
  subject: { release: '2026.12.1', canary: true },
  target: {
    environment: 'prod',
    component: 'api',
    canaryRelease: '2026.12.1',
    canaryVersion: '1.5.0',
    stableRelease: '2026.11.1',
    stableVersion: '1.4.2',
  },
};

describe('the rollback request', () => {
  it('names the canary to abort, with the numbers that failed it', () => {
    expect(planRollbackRequest(report('fail'), canary, where)).toEqual({
      environment: 'prod',
      release: '2026.12.1',
      canary: true,
      component: 'api',
      verdict: 'fail',
      reason:
        '1 of 2 sample(s) failed (the limit is 1) — maxP99LatencyDeltaMs: canary 900 ms − baseline 500 ms = 400 ms > 100 ms',
      numbers: 'maxP99LatencyDeltaMs: canary 900 ms − baseline 500 ms = 400 ms > 100 ms',
      gate_report: where.reportUrl,
      run_url: where.runUrl,
    });
  });

  it('names the environment release when no canary runs, and says it does not know without the GitOps state', () => {
    expect(
      planRollbackRequest(
        report('inconclusive'),
        { subject: { release: '2026.11.1', canary: false }, target: null },
        where,
      ),
    ).toMatchObject({
      release: '2026.11.1',
      canary: false,
      component: null,
      verdict: 'inconclusive',
      numbers: null,
    });
    expect(planRollbackRequest(report('fail'), { subject: null, target: null }, where)).toMatchObject({
      release: null,
      canary: null,
    });
  });

  it.each([
    ['baking', false],
    ['pass', true],
    ['inconclusive', true],
  ] as const)('asks for nothing when the verdict is %s (passed: %s)', (verdict, passed) => {
    expect(planRollbackRequest(report(verdict, passed), canary, where)).toBeNull();
  });

  it('keeps within GitHub’s ten client_payload keys', () => {
    expect(Object.keys(planRollbackRequest(report('fail'), canary, where) ?? {}).length).toBeLessThanOrEqual(
      10,
    );
  });
});
