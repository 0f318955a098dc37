// Drives the browser build in Debian's headless Chromium (SwiftShader WebGL2) for
// .ci/web-smoke: the menu, an unattended game whose record the page writes into
// <pre id="ce-record">, and a class match whose student plays from a tab through
// the real screens over the class socket (its partner is a `join` bot the shell
// script starts: two tabs rendering on the CPU at once starve each other here). Writes screenshots and records into OUT; the
// shell script checks them (not blank, replay natively, equal to the server's).
// Usage: node drive.js URL OUT [CLASS_CODE]
const { chromium } = require('playwright-core');
const fs = require('fs');
const [url, out, code] = process.argv.slice(2);

const launch = () => chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
         '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--no-first-run'],
});

// Waits for the page's title to start with "done" (or "failed"), up to `secs`.
async function finished(page, secs) {
  const until = Date.now() + secs * 1000;
  for (;;) {
    const title = await page.title();
    if (title.startsWith('done')) return;
    if (title.startsWith('failed')) throw new Error(`${page.url()}: ${title}`);
    if (Date.now() > until) throw new Error(`${page.url()}: not done after ${secs} s (title "${title}")`);
    await page.waitForTimeout(500);
  }
}

async function tab(ctx, path, errors) {
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`${path}: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`${path}: ${e.message}`));
  await page.goto(url + path);
  return page;
}

(async () => {
  const browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const errors = [];
  const started = Date.now();
  const menu = await tab(ctx, '/', errors);
  await menu.waitForFunction(() => document.getElementById('loading')?.hidden ?? true, null, { timeout: 300000 });
  await menu.waitForTimeout(4000);
  await menu.screenshot({ path: `${out}/menu.png` });
  console.log(`menu shown after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await menu.close();

  const game = await tab(ctx, '/index.html?scenario=syria_2015&player=us:tit_for_tat&player=russia:grudger&seed=7&autoplay=3', errors);
  await finished(game, 600);
  fs.writeFileSync(`${out}/autoplay.ron`, await game.textContent('#ce-record'));
  await game.screenshot({ path: `${out}/played.png` });
  console.log('unattended game done');
  await game.close();

  if (code) {
    // A student in a browser of their own (storage apart, as on a laptop).
    const student = await browser.newContext({ viewport: { width: 1024, height: 640 } });
    const page = await tab(student, `/index.html?code=${code}&name=Tab&autoplay=99&hand=tit_for_tat`, errors);
    await finished(page, 900);
    fs.writeFileSync(`${out}/student.ron`, await page.textContent('#ce-record'));
    await page.screenshot({ path: `${out}/student.png` });
    console.log('the student tab reached the debrief');
  }
  // The game's own expected complaints (none) and nothing else.
  fs.writeFileSync(`${out}/console-errors.txt`, errors.join('\n'));
  console.log(`console errors: ${errors.length}`);
  await browser.close();
})().catch((e) => { console.error(String(e)); process.exit(1); });
