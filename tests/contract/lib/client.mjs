// A small HTTP client for the running stack whose every answer is checked against
// docs/openapi.yaml (see Contract.check) before the test looks at it.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';

export const BASE_URL = new URL(process.env.SEATS_URL || 'http://127.0.0.1:18080');
export const API_PREFIX = '/api/v1';

// nginx limits requests per client address. When the stack is on this machine's loopback,
// each simulated client gets its own 127.x.y.z source address, so this suite neither
// trips over nor starves the other suites' buckets (and gets its own for the 429 check).
export const LOOPBACK = ['127.0.0.1', 'localhost'].includes(BASE_URL.hostname);
let addressCounter = 0;
const addressBase = 1 + Math.floor(Math.random() * 200);
export function newClientAddress() {
  if (!LOOPBACK) return undefined;
  addressCounter += 1;
  return `127.${addressBase}.${Math.floor(addressCounter / 250)}.${1 + (addressCounter % 250)}`;
}

const agents = new Map();
function agentFor(localAddress) {
  const key = localAddress ?? '';
  if (!agents.has(key)) agents.set(key, new http.Agent({ keepAlive: true, maxSockets: 64 }));
  return agents.get(key);
}

export function closeAgents() {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

function describe(method, path, body) {
  const text = body === undefined ? '' : ` ${typeof body === 'string' ? body : JSON.stringify(body)}`;
  return `${method} ${path}${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
}

// One HTTP request; resolves to {status, headers, text, json}.
export function send({ method, path, headers = {}, body, localAddress, timeoutMs = 15000 }) {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const allHeaders = { ...headers };
  if (payload !== undefined) {
    allHeaders['content-type'] ??= 'application/json';
    allHeaders['content-length'] = Buffer.byteLength(payload);
  }
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: BASE_URL.hostname,
        port: BASE_URL.port || 80,
        method,
        path,
        headers: allHeaders,
        localAddress,
        agent: agentFor(localAddress),
        timeout: timeoutMs,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString('utf8');
          let json;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, headers: res.headers, text, json, bytes });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out: ${describe(method, path, body)}`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

// One request whose answer may never end, as an event stream's does: resolves with the
// status and headers as soon as they arrive and then aborts the request (its own
// connection, never a pooled one), so `text` is ''. Any other answer (a problem) is read to
// its end as `send` does.
export function openStream({ method = 'GET', path, headers = {}, localAddress, timeoutMs = 15000 }) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: BASE_URL.hostname, port: BASE_URL.port || 80, method, path, headers, localAddress, agent: false, timeout: timeoutMs },
      (res) => {
        if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          resolve({ status: res.statusCode, headers: res.headers, text: '', json: undefined, bytes: Buffer.alloc(0), streamed: true });
          res.on('error', () => {}); // the abort below, ours
          req.destroy();
          return;
        }
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString('utf8');
          let json;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, headers: res.headers, text, json, bytes });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out waiting for the answer's head: ${method} ${path}`)));
    req.on('error', reject); // after the abort, a no-op: the promise is settled
    req.end();
  });
}

// Sends raw bytes (for requests no HTTP client library would produce) and parses the
// answer's status line, headers and body (Content-Length or close-delimited).
export function sendRaw(bytes, { localAddress, timeoutMs = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: BASE_URL.hostname, port: Number(BASE_URL.port || 80), localAddress });
    const chunks = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('raw request timed out')));
    socket.on('connect', () => socket.end(bytes));
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const split = raw.indexOf('\r\n\r\n');
      if (split < 0) return reject(new Error(`no HTTP answer: ${JSON.stringify(raw.slice(0, 200))}`));
      const [statusLine, ...lines] = raw.slice(0, split).split('\r\n');
      const headers = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      let text = raw.slice(split + 4);
      if (headers['content-length'] !== undefined) {
        text = Buffer.from(text).subarray(0, Number(headers['content-length'])).toString('utf8');
      }
      const status = Number(statusLine.split(' ')[1]);
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      resolve({ status, headers, text, json });
    });
  });
}

export function fillPath(template, params = {}) {
  return template.replace(/\{(\w+)\}/g, (_, name) => {
    if (!(name in params)) throw new Error(`missing path parameter ${name} for ${template}`);
    return String(params[name]);
  });
}

// An API client bound to one simulated user (source address, optional token). Every
// answer goes through contract.check; `expect` and `code` then pin the outcome.
export class Api {
  constructor(contract, { localAddress = newClientAddress(), token } = {}) {
    this.contract = contract;
    this.localAddress = localAddress;
    this.token = token;
  }

  withToken(token) {
    return new Api(this.contract, { localAddress: this.localAddress, token });
  }

  async call(method, template, opts = {}) {
    // stream: the answer may be an endless event stream (see openStream); no body is sent.
    const { params, query = '', body, headers = {}, expect, code, bodyInvalid, noAuth, stream } = opts;
    const path = API_PREFIX + fillPath(template, params) + query;
    const allHeaders = { ...headers };
    const token = opts.token ?? this.token;
    if (token && !noAuth && allHeaders.authorization === undefined) {
      allHeaders.authorization = `Bearer ${token}`;
    }
    const res = stream
      ? await openStream({ method, path, headers: allHeaders, localAddress: this.localAddress })
      : await send({ method, path, headers: allHeaders, body, localAddress: this.localAddress });
    const what = describe(method, path, body);
    const problems = this.contract.check(method, template, res);
    assert.deepEqual(problems, [], `${what}\n  answered ${res.status}: ${res.text.slice(0, 400)}`);
    if (expect !== undefined) {
      assert.equal(res.status, expect, `${what}: expected ${expect}, got ${res.status} ${res.text.slice(0, 300)}`);
    }
    if (code !== undefined) {
      assert.equal(res.json?.code, code, `${what}: expected code ${code}, got ${res.text.slice(0, 300)}`);
    }
    // The document's request schemas must accept what the server accepts, and refuse what
    // it refuses as malformed.
    if (body !== undefined && typeof body === 'object' && res.status < 300) {
      const errors = this.contract.requestBodyErrors(method, template, body);
      assert.equal(errors, null, `${what}: the server accepted a body the requestBody schema refuses`);
    }
    if (bodyInvalid) {
      const errors = this.contract.requestBodyErrors(method, template, typeof body === 'string' ? JSON.parse(body) : body);
      assert.notEqual(errors, null, `${what}: the server refused it (${res.status}) but the requestBody schema accepts it`);
    }
    return res;
  }

  get(template, opts) {
    return this.call('GET', template, opts);
  }
  post(template, opts) {
    return this.call('POST', template, opts);
  }
  patch(template, opts) {
    return this.call('PATCH', template, opts);
  }
  delete(template, opts) {
    return this.call('DELETE', template, opts);
  }
}
