import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * The operations of an OpenAPI v2 (Swagger) description — Argo CD's, the Kubernetes API's — for a
 * local server that plays the API in tests: which operation a request is, whether its parameters
 * are the declared ones, and whether a response body has the declared schema.
 *
 * The schemas are read closed: an object that lists its properties has no others. That is what
 * these servers send — Argo CD marshals Go structs generated from the same types, and the
 * Kubernetes API server prunes every field a structural CRD schema does not list — so a fixture
 * with a misspelt or invented field (`lastAppliedRevison`) is rejected instead of read as absent.
 * `x-kubernetes-preserve-unknown-fields` and `additionalProperties` keep a schema open.
 */

interface Parameter {
  $ref?: string;
  name?: string;
  in?: string;
  required?: boolean;
  type?: string;
  items?: unknown;
  enum?: unknown[];
}

interface OperationSpec {
  parameters?: Parameter[];
  responses: Record<string, { schema?: unknown } | undefined>;
}

export interface SwaggerDescription {
  paths: Record<string, Record<string, unknown> & { parameters?: Parameter[] }>;
  parameters?: Record<string, Parameter>;
  definitions: Record<string, unknown>;
}

export interface MatchedOperation {
  method: string;
  template: string;
  params: Record<string, string>;
  parameters: Parameter[];
  spec: OperationSpec;
}

/** Every object schema that lists properties, closed (see above). */
function closeSchemas(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(closeSchemas);
  if (!value || typeof value !== 'object') return value;
  const schema = Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === 'properties'
        ? Object.fromEntries(Object.entries(v as object).map(([name, s]) => [name, closeSchemas(s)]))
        : closeSchemas(v),
    ]),
  );
  if (
    schema.properties &&
    schema.additionalProperties === undefined &&
    schema['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    schema.additionalProperties = false;
  }
  return schema;
}

export class SwaggerOperations {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: false });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly operations: Array<{
    method: string;
    template: string;
    pattern: RegExp;
    names: string[];
    parameters: Parameter[];
    spec: OperationSpec;
  }> = [];

  constructor(
    private readonly description: SwaggerDescription,
    private readonly id: string,
  ) {
    addFormats.default(this.ajv);
    // Go's int32/int64 and Kubernetes' int-or-string are formats Ajv does not know: shapes only
    for (const format of ['int32', 'int64', 'byte', 'int-or-string']) this.ajv.addFormat(format, true);
    this.ajv.addSchema({ definitions: closeSchemas(description.definitions) }, id);
    for (const [template, item] of Object.entries(description.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (method === 'parameters') continue;
        const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
        const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, '([^/]+)')}$`);
        const spec = operation as OperationSpec;
        const parameters = [...(item.parameters ?? []), ...(spec.parameters ?? [])].map((p) =>
          this.resolve(p),
        );
        this.operations.push({ method: method.toUpperCase(), template, pattern, names, parameters, spec });
      }
    }
  }

  private resolve(parameter: Parameter): Parameter {
    if (!parameter.$ref) return parameter;
    const found = this.description.parameters?.[parameter.$ref.split('/').pop() ?? ''];
    if (!found) throw new Error(`${this.id}: no parameter ${parameter.$ref}`);
    return found;
  }

  match(method: string, pathname: string): MatchedOperation | null {
    for (const o of this.operations) {
      const found = o.method === method && o.pattern.exec(pathname);
      if (!found) continue;
      const params = Object.fromEntries(o.names.map((n, i) => [n, decodeURIComponent(found[i + 1] ?? '')]));
      return { method: o.method, template: o.template, params, parameters: o.parameters, spec: o.spec };
    }
    return null;
  }

  /** What is wrong with the request's path and query parameters: missing, mistyped or undeclared. */
  checkRequest(operation: MatchedOperation, query: URLSearchParams): string[] {
    const problems: string[] = [];
    for (const p of operation.parameters) {
      if (p.in === 'path' && !operation.params[p.name ?? ''])
        problems.push(`missing path parameter ${p.name}`);
      if (p.in === 'query' && p.required && !query.has(p.name ?? ''))
        problems.push(`missing query parameter ${p.name}`);
      if (p.in === 'query' && p.enum && query.has(p.name ?? '') && !p.enum.includes(query.get(p.name ?? '')))
        problems.push(
          `query parameter ${p.name}=${query.get(p.name ?? '')} is not one of ${p.enum.join(', ')}`,
        );
      if (
        p.in === 'query' &&
        p.type === 'boolean' &&
        query.has(p.name ?? '') &&
        !/^(true|false)$/.test(query.get(p.name ?? '') ?? '')
      )
        problems.push(`query parameter ${p.name} is not a boolean`);
    }
    const declared = new Set(operation.parameters.filter((p) => p.in === 'query').map((p) => p.name));
    for (const name of query.keys())
      if (!declared.has(name)) problems.push(`undeclared query parameter ${name}`);
    return problems;
  }

  /**
   * Whether `body` has the schema the operation declares for `status` (or its `default`); a
   * response without one is checked against `fallback` (the Kubernetes API answers every error
   * with a meta/v1 Status, which its description does not list per operation).
   */
  checkResponse(
    operation: MatchedOperation,
    status: number,
    body: unknown,
    fallback?: string,
  ): string | null {
    const declared = operation.spec.responses[String(status)] ?? operation.spec.responses.default;
    const schema = declared?.schema ?? (fallback ? { $ref: `#/definitions/${fallback}` } : undefined);
    if (!schema) return status >= 200 && status < 300 ? `no ${status} response is declared` : null;
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      const ref = (schema as { $ref?: string }).$ref;
      if (!ref) throw new Error(`${this.id}: inline response schemas are not supported here`);
      validate = this.ajv.compile({ $ref: `${this.id}${ref}` });
      this.validators.set(key, validate);
    }
    return validate(body) ? null : this.ajv.errorsText(validate.errors, { dataVar: 'response' });
  }
}
