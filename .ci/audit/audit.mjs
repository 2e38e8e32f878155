#!/usr/bin/env node
// GraphQL-over-HTTP conformance audit (graphql-http `serverAudits`).
//
// Usage: node .ci/audit/audit.mjs http://127.0.0.1:8080/graphql
//
// Prints one line per audit, then `audit: N passed, M failed`.
// "failed" counts every non-ok result: MUST failures (error), SHOULD
// failures (warn), MAY failures (notice) and fatal errors such as a refused
// connection or a timeout (reported as error). Exits 1 if anything failed,
// 2 on bad usage.
//
// AUDIT_TIMEOUT_MS (default 10000) bounds each HTTP request.

import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url || !/^https?:\/\//.test(url)) {
  console.error('usage: node audit.mjs <server-url>   e.g. http://127.0.0.1:8080/graphql');
  process.exit(2);
}

const timeoutMs = Number(process.env.AUDIT_TIMEOUT_MS) || 10000;

// Plain global fetch, with a per-request timeout so a hung server cannot stall CI.
// A clone of every response is kept so failure details can show the body even
// when the audit itself already consumed it.
const clones = new WeakMap();
const fetchFn = async (input, init = {}) => {
  const res = await fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  clones.set(res, res.clone());
  return res;
};

async function describeResponse(res) {
  if (!res || typeof res.status !== 'number') return '';
  let body = '';
  try {
    body = await (clones.get(res) ?? res).text();
  } catch {
    body = '<body unavailable>';
  }
  body = body.replace(/\s+/g, ' ').trim();
  if (body.length > 200) body = body.slice(0, 200) + '...';
  return ` [status ${res.status}, content-type ${res.headers.get('content-type') ?? '<none>'}, body ${JSON.stringify(body)}]`;
}

const audits = serverAudits({ url, fetchFn });

// Same concurrency as graphql-http's auditServer (all at once), but a fatal
// error in one audit is reported as that audit's error instead of aborting.
const results = await Promise.all(
  audits.map(async ({ id, name, fn }) => {
    try {
      return await fn();
    } catch (err) {
      const cause = err && err.cause ? ` (${err.cause.code || err.cause.message || err.cause})` : '';
      return { id, name, status: 'error', reason: `fatal: ${err && err.message ? err.message : String(err)}${cause}` };
    }
  }),
);

let passed = 0;
let failed = 0;
for (const r of results) {
  if (r.status === 'ok') {
    passed++;
    console.log(`ok     ${r.id} ${r.name}`);
  } else {
    failed++;
    const details = await describeResponse(r.response);
    console.log(`${r.status.padEnd(6)} ${r.id} ${r.name} -- ${r.reason}${details}`);
  }
}

console.log(`audit: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
