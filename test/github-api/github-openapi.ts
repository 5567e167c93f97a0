import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * GitHub's published OpenAPI description as a validator: finds the operation a request calls,
 * checks its path parameters, query and JSON body, and checks an answer against the operation's
 * response schema. The stateful fake (github-api-server.ts) plays GitHub behind it.
 */

export interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  spec: {
    parameters?: Array<{
      $ref?: string;
      name?: string;
      in?: string;
      required?: boolean;
      schema?: unknown;
      'x-multi-segment'?: boolean;
    }>;
    requestBody?: { content?: Record<string, { schema?: unknown }> };
    responses: Record<string, unknown>;
  };
}

const spec = JSON.parse(readFileSync(join(import.meta.dirname, 'github-openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation['spec']>>;
  components: {
    parameters?: Record<
      string,
      { name: string; in: string; required?: boolean; schema: unknown; 'x-multi-segment'?: boolean }
    >;
    schemas: Record<string, Record<string, unknown>>;
  };
};

const pointer = (...parts: string[]) =>
  `github#/${parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;

export class GitHubOpenApi {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: false });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly operations: Operation[] = [];
  /** The description's component schemas, for fakes that build answers of GitHub's shapes. */
  readonly schemas = spec.components.schemas;

  constructor() {
    addFormats.default(this.ajv);
    this.ajv.addSchema(spec, 'github');
    for (const [template, methods] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
        // a file path (`contents/{path}`) spans segments: GitHub marks it x-multi-segment
        const multi = new Set(
          (operation.parameters ?? [])
            .map((p) => (p.$ref ? spec.components.parameters?.[p.$ref.split('/').pop() ?? ''] : p))
            .filter((p) => p?.['x-multi-segment'])
            .map((p) => p?.name),
        );
        const pattern = new RegExp(
          `^${template.replace(/\{(\w+)\}/g, (_, name: string) => (multi.has(name) ? '(.+)' : '([^/]+)'))}$`,
        );
        this.operations.push({ method: method.toUpperCase(), template, pattern, names, spec: operation });
      }
    }
  }

  /** The operation a request calls, or null when GitHub has none at that method and path. */
  operation(method: string, path: string): Operation | null {
    return this.operations.find((o) => o.method === method && o.pattern.test(path)) ?? null;
  }

  /** Path parameters, and what in the request does not fit the operation (empty when it fits). */
  checkRequest(
    operation: Operation,
    path: string,
    query: Record<string, string>,
    rawBody: Buffer,
  ): { params: Record<string, string>; body: unknown; problems: string[] } {
    let body: unknown = null;
    const params = Object.fromEntries(
      operation.names.map((n, i) => [n, decodeURIComponent(operation.pattern.exec(path)?.[i + 1] ?? '')]),
    );
    const problems: string[] = [];
    for (const parameter of operation.spec.parameters ?? []) {
      const resolved = parameter.$ref
        ? spec.components.parameters?.[parameter.$ref.split('/').pop() ?? '']
        : parameter;
      if (!resolved?.name) continue;
      const value =
        resolved.in === 'path'
          ? params[resolved.name]
          : resolved.in === 'query'
            ? query[resolved.name]
            : undefined;
      if (value === undefined) {
        if (resolved.required) problems.push(`missing ${resolved.in} parameter ${resolved.name}`);
        continue;
      }
      const schema = resolved.schema as { type?: string };
      const typed =
        schema.type === 'integer' || schema.type === 'number'
          ? Number(value)
          : schema.type === 'boolean'
            ? value === 'true'
            : value;
      const ajvCheck = this.ajv.validate(schema as object, typed);
      if (!ajvCheck)
        problems.push(`${resolved.in} parameter ${resolved.name}=${value}: ${this.ajv.errorsText()}`);
    }
    const content = operation.spec.requestBody?.content ?? {};
    if (content['application/json']) {
      try {
        body = rawBody.length > 0 ? JSON.parse(rawBody.toString('utf8')) : undefined;
      } catch {
        problems.push('body is not JSON');
      }
      const error = this.check(
        pointer(
          'paths',
          operation.template,
          operation.method.toLowerCase(),
          'requestBody',
          'content',
          'application/json',
          'schema',
        ),
        body,
        'body',
      );
      if (error) problems.push(error);
    } else if (content['*/*'] || content['application/octet-stream']) {
      body = rawBody;
    }
    return { params, body, problems };
  }

  /** Throws when the fake's own answer does not have the shape GitHub's has. */
  checkResponse(operation: Operation, status: number, body: unknown): void {
    const responseSchema = (
      operation.spec.responses[String(status)] as { content?: Record<string, unknown> } | undefined
    )?.content;
    if (body !== undefined && responseSchema?.['application/json']) {
      const error = this.check(
        pointer(
          'paths',
          operation.template,
          operation.method.toLowerCase(),
          'responses',
          String(status),
          'content',
          'application/json',
          'schema',
        ),
        body,
        'fixture response',
      );
      if (error) throw new Error(`The GitHub fixture answered ${operation.template} wrongly: ${error}`);
    }
  }

  private validator(ref: string): ValidateFunction {
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, validate);
    }
    return validate;
  }

  private check(ref: string, value: unknown, what: string): string | null {
    const validate = this.validator(ref);
    if (validate(value)) return null;
    return `${what}: ${this.ajv.errorsText(validate.errors)}`;
  }
}
