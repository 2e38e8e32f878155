// Checks coophub's pages with axe-core (the accessibility engine, MPL-2.0,
// installed by `npm ci` here) in headless Chromium: the WCAG 2.0 and 2.1 rules
// of levels A and AA (tests/api/pages.rs drives it; written for coophub).
//   node a11y.mjs <chromium> <width>x<height> <url>…
// Prints, for each page once it has loaded, "PAGE <url> <violations as JSON>"
// (each: rule id, impact, what it asks, up to five offending elements), then DONE.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { launch, until } from "./cdp.mjs";

const [chromium, size, ...urls] = process.argv.slice(2);
const axe = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
let browser;
try {
  browser = await launch(chromium, size.split("x").map(Number));
  for (const url of urls) {
    const page = await browser.open(url);
    // The tab starts on about:blank: wait for the page itself to have loaded.
    await until(`${url} to load`, 15000, () =>
      page.evaluate("location.protocol.startsWith('http') && document.readyState === 'complete'")
    );
    await page.evaluate(axe);
    const ran = await page.send("Runtime.evaluate", {
      returnByValue: true,
      awaitPromise: true,
      expression: `axe.run(document, { runOnly: { type: "tag", values: ${JSON.stringify(RULES)} }, resultTypes: ["violations"] })
         .then((r) => JSON.stringify(r.violations.map((v) => ({
           id: v.id, impact: v.impact, help: v.help,
           nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
         }))))`,
    });
    const found = ran.result?.result?.value;
    if (typeof found !== "string") {
      throw new Error(`axe did not run on ${url}: ${JSON.stringify(ran.result?.exceptionDetails ?? ran)}`);
    }
    process.stdout.write(`PAGE ${url} ${found}\n`);
    page.close();
  }
  process.stdout.write("DONE\n");
  browser.close();
  process.exit(0);
} catch (e) {
  process.stderr.write(`${e.stack || e}\n`);
  browser?.close();
  process.exit(1);
}
