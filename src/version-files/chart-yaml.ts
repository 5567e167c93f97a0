import { setYamlScalar } from './yaml-scalar.js';
import type { VersionFileChange } from './version-file-change.js';

/** Chart.yaml: `version`, and `appVersion` when the chart tracks an image component. */
export function updateChartYaml(content: string, change: VersionFileChange, file: string): string {
  let out = content;
  if (change.version !== undefined) out = setYamlScalar(out, ['version'], change.version, file);
  if (change.appVersion !== undefined) out = setYamlScalar(out, ['appVersion'], change.appVersion, file);
  return out;
}
