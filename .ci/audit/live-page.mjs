// Opens a page of coophub in headless Chromium over the DevTools protocol and
// waits for its live feed (tests/api/pages.rs drives it; written for coophub).
//   node live-page.mjs <chromium> <page url> <screenshot.png>
// Prints LISTENING once the page says its feed listens (body[data-live]);
// then reads "EXPECT <text>" from stdin and prints "SEEN <ms>" when <text>
// appears in #posts, or "MISSING" after 10 seconds; then "CONSOLE <json>" for
// every console message, exception or log entry, and DONE.
import { writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { launch, until } from "./cdp.mjs";

const [chromium, url, shot] = process.argv.slice(2);
let browser;
const finish = (code) => {
  browser?.close();
  process.exit(code);
};

try {
  browser = await launch(chromium, [390, 844]);
  const { send, evaluate, logged, close } = await browser.open(url);
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
  close();
  lines.close();
  finish(0);
} catch (e) {
  process.stderr.write(`${e.stack || e}\n`);
  finish(1);
}
