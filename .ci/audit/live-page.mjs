// Opens a page of coophub in headless Chromium over the DevTools protocol and
// waits for its live feed (tests/api/pages.rs drives it; written for coophub).
//   node live-page.mjs <chromium> <page url> <screenshot.png>
// Prints LISTENING once the page says its feed listens (body[data-live]);
// then reads "EXPECT <text>" from stdin and prints "SEEN <ms>" when <text>
// appears in #posts, or "MISSING" after 10 seconds; then "CONSOLE <json>" for
// every console message, exception or log entry, and DONE.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import WebSocket from "ws";

const [chromium, url, shot] = process.argv.slice(2);
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
    "--window-size=390,844",
    "--remote-debugging-port=0",
    `--user-data-dir=${profile}`,
    "about:blank",
  ],
  { stdio: "ignore" }
);
const finish = (code) => {
  browser.kill("SIGKILL");
  try {
    rmSync(profile, { recursive: true, force: true });
  } catch {}
  process.exit(code);
};
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(what, deadlineMs, test) {
  const start = Date.now();
  for (;;) {
    const v = await test();
    if (v) return v;
    if (Date.now() - start > deadlineMs) throw new Error(`timed out waiting for ${what}`);
    await pause(25);
  }
}

try {
  const portFile = join(profile, "DevToolsActivePort");
  await until("Chromium's DevTools port", 20000, () => existsSync(portFile));
  const port = await until("the port number", 5000, () =>
    readFileSync(portFile, "utf8").split("\n")[0].trim()
  );
  const target = await (
    await fetch(`http://127.0.0.1:${port}/json/new?${encodeURIComponent(url)}`, { method: "PUT" })
  ).json();
  const ws = new WebSocket(target.webSocketDebuggerUrl);
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
  const evaluate = async (expression) =>
    (await send("Runtime.evaluate", { expression, returnByValue: true })).result?.result?.value;
  try {
    await until("the page's live feed", 15000, async () =>
      (await evaluate("document.body && document.body.getAttribute('data-live')")) === "listening"
    );
  } catch (e) {
    const state = await evaluate("document.body ? document.body.getAttribute('data-live') + ' ' + document.getElementById('live-status')?.textContent : 'no body'");
    throw new Error(`${e.message}; the page says: ${state}; logged: ${JSON.stringify(logged)}`);
  }
  process.stdout.write("LISTENING\n");
  const lines = createInterface({ input: process.stdin });
  const expected = await new Promise((ok) =>
    lines.on("line", (l) => l.startsWith("EXPECT ") && ok(l.slice(7)))
  );
  const start = Date.now();
  const probe = `(document.getElementById('posts') || {}).textContent.includes(${JSON.stringify(expected)})`;
  try {
    await until("the post", 10000, async () => await evaluate(probe));
    process.stdout.write(`SEEN ${Date.now() - start}\n`);
  } catch {
    process.stdout.write("MISSING\n");
  }
  const png = await send("Page.captureScreenshot", { format: "png" });
  writeFileSync(shot, Buffer.from(png.result.data, "base64"));
  for (const c of logged) process.stdout.write(`CONSOLE ${JSON.stringify(c)}\n`);
  process.stdout.write("DONE\n");
  ws.close();
  lines.close();
  finish(0);
} catch (e) {
  process.stderr.write(`${e.stack || e}\n`);
  finish(1);
}
