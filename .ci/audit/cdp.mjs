// Headless Chromium over the DevTools protocol, for the page tests
// (tests/api/pages.rs drives the scripts that use it; written for coophub).
// Every host but 127.0.0.1 is unresolvable, so a page that reached for another
// host would fail to load it and log the failure.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";

export const pause = (ms) => new Promise((r) => setTimeout(r, ms));

/** Calls `test` every 25 ms until it gives a truthy value, or throws after `deadlineMs`. */
export async function until(what, deadlineMs, test) {
  const start = Date.now();
  for (;;) {
    const v = await test();
    if (v) return v;
    if (Date.now() - start > deadlineMs) throw new Error(`timed out waiting for ${what}`);
    await pause(25);
  }
}

/** Starts Chromium with a window of `width`×`height`; `close()` stops it. */
export async function launch(chromium, [width, height]) {
  const profile = mkdtempSync(join(tmpdir(), "coophub-cdp-"));
  const browser = spawn(
    chromium,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
      `--window-size=${width},${height}`,
      "--remote-debugging-port=0",
      `--user-data-dir=${profile}`,
      "about:blank",
    ],
    { stdio: "ignore" }
  );
  const close = () => {
    browser.kill("SIGKILL");
    try {
      rmSync(profile, { recursive: true, force: true });
    } catch {}
  };
  try {
    const portFile = join(profile, "DevToolsActivePort");
    await until("Chromium's DevTools port", 20000, () => existsSync(portFile));
    const port = await until("the port number", 5000, () =>
      readFileSync(portFile, "utf8").split("\n")[0].trim()
    );
    return { open: (url) => openPage(port, url), close };
  } catch (e) {
    close();
    throw e;
  }
}

/** A new tab on `url`: `send` a DevTools command, `evaluate` an expression,
 *  `logged` holds every console message, exception and log entry so far. */
async function openPage(port, url) {
  const target = await (
    await fetch(`http://127.0.0.1:${port}/json/new?${encodeURIComponent(url)}`, { method: "PUT" })
  ).json();
  const ws = new WebSocket(target.webSocketDebuggerUrl, { maxPayload: 256 * 1024 * 1024 });
  await new Promise((ok, fail) => {
    ws.on("open", ok);
    ws.on("error", fail);
  });
  let next = 0;
  const waiting = new Map();
  const logged = [];
  ws.on("message", (raw) => {
    const m = JSON.parse(raw.toString());
    if (m.id !== undefined && waiting.has(m.id)) {
      waiting.get(m.id)(m);
      waiting.delete(m.id);
    } else if (m.method === "Runtime.consoleAPICalled") {
      logged.push({ console: m.params.type, args: m.params.args.map((a) => a.value ?? a.description) });
    } else if (m.method === "Runtime.exceptionThrown") {
      logged.push({ exception: m.params.exceptionDetails.text, detail: m.params.exceptionDetails.exception?.description });
    } else if (m.method === "Log.entryAdded") {
      logged.push({ log: m.params.entry.level, text: m.params.entry.text, url: m.params.entry.url });
    }
  });
  const send = (method, params = {}) =>
    new Promise((ok) => {
      const id = ++next;
      waiting.set(id, ok);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await send("Runtime.enable");
  await send("Log.enable");
  const evaluate = async (expression, awaitPromise = false) =>
    (await send("Runtime.evaluate", { expression, returnByValue: true, awaitPromise })).result
      ?.result?.value;
  return { send, evaluate, logged, close: () => ws.close() };
}
