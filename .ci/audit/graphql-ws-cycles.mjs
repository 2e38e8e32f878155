#!/usr/bin/env node
// The graphql-ws reference client (npm `graphql-ws`) against coophub's WebSocket
// endpoint, as a partner's browser or server would use it: lazy, so it opens a
// socket for an operation and closes it when the last operation is done.
//
// Usage: node .ci/audit/graphql-ws-cycles.mjs ws://127.0.0.1:8080/graphql/ws [cycles]
//
// Runs `cycles` (default 5) rounds of: one query on a fresh lazy connection, then
// two at once, then one started while the previous socket is still closing.
// Prints one JSON line: {"operations": n, "errors": [...], "closes": [codes...]}
// and exits 1 unless every operation answered and every close was a clean 1000.

import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const url = process.argv[2];
const cycles = Number(process.argv[3] || 5);
if (!url || !/^wss?:\/\//.test(url)) {
  console.error('usage: node graphql-ws-cycles.mjs <ws-url> [cycles]');
  process.exit(2);
}

const closes = [];
const errors = [];
let operations = 0;

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  lazy: true,
  retryAttempts: 0,
  on: { closed: (event) => closes.push(event.code) },
});

// One query to its end; resolves with its result or records its error.
function query(text) {
  return new Promise((resolve) => {
    let result;
    client.subscribe(
      { query: text },
      {
        next: (r) => { result = r; },
        error: (e) => {
          errors.push(String(e && (e.message || e.reason || e.code || e)));
          resolve(undefined);
        },
        complete: () => {
          operations += 1;
          if (!result || result.errors) errors.push(JSON.stringify(result));
          resolve(result);
        },
      },
    );
  });
}

// Resolves once the lazy client's socket has closed (after its last operation).
function closed(countBefore) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (closes.length > countBefore) return resolve();
      if (Date.now() - started > 10000) return reject(new Error('the socket never closed'));
      setTimeout(check, 5);
    };
    check();
  });
}

const deadline = setTimeout(() => {
  console.log(JSON.stringify({ operations, errors: [...errors, 'timed out'], closes }));
  process.exit(1);
}, 60000);

for (let i = 0; i < cycles; i += 1) {
  let before = closes.length;
  await query('{ __typename }');
  await closed(before);
  before = closes.length;
  await Promise.all([query('{ a: __typename }'), query('{ b: __typename }')]);
  await closed(before);
  // An operation started right after the last one completed: the lazy client is
  // closing the old socket, and must get a new one without an error.
  before = closes.length;
  await query('{ c: __typename }');
  await query('{ d: __typename }');
  await closed(before);
}

clearTimeout(deadline);
await client.dispose();
const clean = errors.length === 0 && closes.length > 0 && closes.every((c) => c === 1000);
console.log(JSON.stringify({ operations, errors, closes }));
process.exit(clean ? 0 : 1);
