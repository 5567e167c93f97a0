// Jest's report for CI: each suite and every failure, as the default reporter prints them, without
// its closing totals block — scripts/test.sh prints the one summary line the CI runner reads, and
// a second set of totals above it ("Tests: N passed, N total") is not in a form the runner knows.
import { DefaultReporter } from '@jest/reporters';

export default DefaultReporter;
