// Loads docs/openapi.yaml and checks real HTTP answers against it: the status must be
// documented for the operation, the Content-Type must be one the response lists, required
// headers must be present, and the body must match the schema (ajv, JSON Schema 2020-12).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

// OPENAPI_SPEC: check against another copy of the document (used to prove the suite fails
// when the document drifts).
export const SPEC_PATH =
  process.env.OPENAPI_SPEC || fileURLToPath(new URL('../../../docs/openapi.yaml', import.meta.url));

const SCHEMAS_ID = 'https://seats.invalid/openapi/components';
const SCHEMA_REF_PREFIX = '#/components/schemas/';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// Schema $refs point into components.schemas; ajv gets those as one schema resource with
// $defs, so recursive and shared references resolve the way JSON Schema defines them.
function rewriteSchemaRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteSchemaRefs);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith(SCHEMA_REF_PREFIX)) {
      out[key] = `${SCHEMAS_ID}#/$defs/${value.slice(SCHEMA_REF_PREFIX.length)}`;
    } else {
      out[key] = rewriteSchemaRefs(value);
    }
  }
  return out;
}

function pointerGet(doc, ref) {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
  let node = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) {
      throw new Error(`unresolvable $ref ${ref}`);
    }
    node = node[key];
  }
  return node;
}

export class Contract {
  constructor(specPath = SPEC_PATH) {
    this.doc = YAML.parse(readFileSync(specPath, 'utf8'));
    this.ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(this.ajv);
    // OpenAPI's integer formats; ajv does not know them.
    this.ajv.addFormat('int64', { type: 'number', validate: (n) => Number.isInteger(n) });
    this.ajv.addFormat('int32', {
      type: 'number',
      validate: (n) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31,
    });
    this.ajv.addSchema({
      $id: SCHEMAS_ID,
      $defs: rewriteSchemaRefs(this.doc.components?.schemas ?? {}),
    });
    this.validators = new Map();
    // "METHOD /template" -> Set of statuses seen
    this.seen = new Map();
  }

  // Follows $ref chains for non-schema objects (responses, parameters, headers, bodies).
  resolve(node) {
    const visited = new Set();
    while (node && typeof node === 'object' && typeof node.$ref === 'string') {
      if (visited.has(node.$ref)) throw new Error(`$ref cycle at ${node.$ref}`);
      visited.add(node.$ref);
      node = pointerGet(this.doc, node.$ref);
    }
    return node;
  }

  validator(schema, cacheKey) {
    let validate = this.validators.get(cacheKey);
    if (!validate) {
      validate = this.ajv.compile(rewriteSchemaRefs(schema));
      this.validators.set(cacheKey, validate);
    }
    return validate;
  }

  schemaValidator(name) {
    const schema = this.doc.components?.schemas?.[name];
    if (!schema) throw new Error(`no schema components.schemas.${name}`);
    return this.validator({ $ref: `${SCHEMA_REF_PREFIX}${name}` }, `schema:${name}`);
  }

  operations() {
    const ops = [];
    for (const [template, item] of Object.entries(this.doc.paths ?? {})) {
      for (const method of METHODS) {
        if (item[method]) ops.push({ method: method.toUpperCase(), template, op: item[method] });
      }
    }
    return ops;
  }

  operation(method, template) {
    const item = this.doc.paths?.[template];
    if (!item) throw new Error(`path ${template} is not in docs/openapi.yaml`);
    return item[method.toLowerCase()];
  }

  record(key, status) {
    if (!this.seen.has(key)) this.seen.set(key, new Set());
    this.seen.get(key).add(status);
  }

  // Returns a list of problems (empty when the response conforms).
  check(method, template, res) {
    const problems = [];
    const item = this.doc.paths?.[template];
    if (!item) return [`path ${template} is not documented`];
    let op = item[method.toLowerCase()];
    let where = `${method} ${template}`;
    if (!op) {
      // A method the path does not take: every operation on it documents the 405.
      if (res.status !== 405) {
        return [`${where} is not documented, and the server answered ${res.status}, not 405`];
      }
      const name = Object.keys(item).find((m) => METHODS.includes(m) && item[m].responses?.['405']);
      if (!name) return [`no operation on ${template} documents 405`];
      op = item[name];
      where = `${method} ${template} (405 as documented on ${name.toUpperCase()})`;
    } else {
      this.record(`${method} ${template}`, res.status);
    }
    const statusKey = String(res.status);
    const documented = op.responses?.[statusKey];
    if (!documented) {
      return [
        `${where}: status ${res.status} is not documented ` +
          `(documented: ${Object.keys(op.responses ?? {}).join(', ')})`,
      ];
    }
    const response = this.resolve(documented);
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const h = this.resolve(header);
      const value = res.headers[name.toLowerCase()];
      if (value === undefined) {
        if (h.required) problems.push(`${where} ${res.status}: required header ${name} is missing`);
        continue;
      }
      if (h.schema) {
        const v = this.validator(h.schema, `header:${where}:${statusKey}:${name}`);
        if (!v(value)) {
          problems.push(`${where} ${res.status}: header ${name}=${JSON.stringify(value)} ` +
            `does not match: ${this.ajv.errorsText(v.errors)}`);
        }
      }
    }
    const content = response.content ?? {};
    const mediaTypes = Object.keys(content);
    const contentType = (res.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (mediaTypes.length === 0) {
      if (res.text.length > 0 && method !== 'HEAD') {
        problems.push(`${where} ${res.status}: documented without a body, got ${res.text.length} bytes`);
      }
      return problems;
    }
    if (method === 'HEAD') return problems;
    if (!mediaTypes.includes(contentType)) {
      problems.push(`${where} ${res.status}: Content-Type ${JSON.stringify(contentType)} ` +
        `is not one of ${mediaTypes.join(', ')}`);
      return problems;
    }
    // An event stream never ends: the client read its head only (lib/client.mjs openStream).
    if (contentType === 'text/event-stream') {
      if (!res.streamed) problems.push(`${where} ${res.status}: an event stream read as a plain answer`);
      return problems;
    }
    // The one binary answer (a ticket's QR code): it must at least be a PNG.
    if (contentType === 'image/png') {
      const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      if (!res.bytes || !res.bytes.subarray(0, 8).equals(signature)) {
        problems.push(`${where} ${res.status}: image/png body is not a PNG`);
      }
      return problems;
    }
    let body;
    try {
      body = JSON.parse(res.text);
    } catch (e) {
      problems.push(`${where} ${res.status}: body is not JSON: ${e.message}: ${res.text.slice(0, 200)}`);
      return problems;
    }
    const schema = content[contentType].schema;
    if (schema) {
      const v = this.validator(schema, `body:${where}:${statusKey}:${contentType}`);
      if (!v(body)) {
        problems.push(`${where} ${res.status}: body does not match the schema: ` +
          `${this.ajv.errorsText(v.errors, { separator: '; ' })}\n  body: ${res.text.slice(0, 600)}`);
      }
    }
    return problems;
  }

  // Whether a request body is accepted by the operation's requestBody schema.
  requestBodyErrors(method, template, body) {
    const op = this.operation(method, template);
    const requestBody = this.resolve(op?.requestBody);
    const schema = requestBody?.content?.['application/json']?.schema;
    if (!schema) return `${method} ${template} documents no JSON request body`;
    const v = this.validator(schema, `request:${method}:${template}`);
    return v(body) ? null : this.ajv.errorsText(v.errors, { separator: '; ' });
  }
}
