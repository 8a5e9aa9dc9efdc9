// Drives the desk page of `tweetcheck serve` in headless Chromium (Debian's, through
// playwright-core; no browser is downloaded) and prints what it saw as one JSON object, which the
// Catch2 test (test/cli/test_serve.cpp) asserts on:
//
//   node test/browser/desk.mjs BASE_URL ARTICLE HOSTILE_ARTICLE OUT_DIR [SCREENSHOT.png]
//
// - pastes ARTICLE, presses Check, waits for the cards (drawn one by one from the NDJSON stream)
//   and reads each card's data-verdict and data-status-id, and the verdicts the JSON API gives
//   for the same article;
// - opens the shared /r/ID link in a new page and counts its cards;
// - downloads the SARIF file through the page's link into OUT_DIR;
// - pastes HOSTILE_ARTICLE (posts holding <script> and javascript: links) and records every
//   dialog, console error, page error, script element and non-http(s) link in the cards.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {chromium} from 'playwright-core';

const [base, articlePath, hostilePath, outDir, screenshot] = process.argv.slice(2);
const article = readFileSync(articlePath, 'utf8');
const hostile = readFileSync(hostilePath, 'utf8');
const seen = {dialogs: [], console_errors: [], page_errors: []};

const browser = await chromium.launch({executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
                                       args: ['--no-sandbox', '--disable-gpu']});
try {
  const context = await browser.newContext({acceptDownloads: true, viewport: {width: 1280, height: 1100}});
  context.on('page', watch);
  const page = await context.newPage();
  watch(page);
  function watch(p) {
    if (p.__watched) return;
    p.__watched = true;
    p.on('dialog', d => { seen.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
    p.on('console', m => { if (m.type() === 'error') seen.console_errors.push(m.text()); });
    p.on('pageerror', e => seen.page_errors.push(String(e)));
  }

  async function check(text) {
    await page.goto(base + '/');
    await page.getByLabel('Paste the article (HTML, Markdown or text)').fill(text);
    await page.getByLabel('Pasted as').selectOption('html');
    await page.getByRole('button', {name: 'Check'}).click();
    await page.waitForFunction(() => {
      const s = document.getElementById('status').textContent;
      return s.startsWith('Done') || s.startsWith('No embedded') || s.startsWith('Could not');
    }, null, {timeout: 30000});
    return page.$$eval('#cards article', cs => cs.map(c => ({verdict: c.dataset.verdict, status_id: c.dataset.statusId})));
  }

  // A file opened with the file field fills the box, the name and the format.
  await page.goto(base + '/');
  await page.setInputFiles('#file', articlePath);
  await page.waitForFunction(() => document.getElementById('content').value.length > 0);
  const opened = await page.evaluate(() => ({name: document.getElementById('name').value,
                                             format: document.getElementById('format').value,
                                             length: document.getElementById('content').value.length}));

  const cards = await check(article);
  const status = await page.textContent('#status');
  const api = await (await fetch(base + '/api/check', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                                       body: JSON.stringify({html: article})})).json();
  const expected = api.posts.map(p => ({verdict: p.verdict, status_id: p.status_id || ''}));
  if (screenshot) {
    await page.evaluate(() => document.getElementById('status').scrollIntoView());
    await page.evaluate(() => window.scrollBy(0, -8));
    await page.screenshot({path: screenshot});
  }

  // The shared link, in a new page.
  const share = await page.getAttribute('#share-link', 'href');
  const shared = await context.newPage();
  await shared.goto(new URL(share, base).href);
  const sharedCards = await shared.$$eval('article[data-verdict]', cs => cs.map(c => c.dataset.verdict));
  await shared.close();

  // The SARIF download.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[data-format="sarif"]')]);
  const sarif = path.join(outDir, 'desk.sarif');
  await download.saveAs(sarif);

  // Hostile posts: nothing may run.
  const hostileCards = await check(hostile);
  const injected = await page.$$eval('#cards script, #cards iframe, #cards [onerror], #cards [onclick]', es => es.length);
  const links = await page.$$eval('#cards a', as => as.map(a => a.getAttribute('href')));
  const texts = await page.$$eval('#cards .side.article', ss => ss.map(s => s.textContent));
  await page.waitForTimeout(200); // let anything that would run, run
  console.log(JSON.stringify({opened, article_length: article.length, status, cards, expected, share, shared_cards: sharedCards, sarif,
                              hostile_cards: hostileCards, injected, links, hostile_texts: texts, ...seen}));
} finally {
  await browser.close();
}
