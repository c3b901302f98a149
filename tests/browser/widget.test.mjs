// Browser tests: the <dateline-search> widget on the example page (suggestions, keyboard, results, timeline,
// places, phone width) and the server-rendered pages without JavaScript (paging, facets, French UI).
// Screenshots go to the artifact directory. Run through run.sh.
import { chromium } from 'playwright-core';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: { serve: { type: 'string' }, index: { type: 'string' }, corpus: { type: 'string' }, artifacts: { type: 'string' }, chromium: { type: 'string' } },
});
mkdirSync(opts.artifacts, { recursive: true });

const work = mkdtempSync(join(tmpdir(), 'dateline-browser.'));
const db = join(work, 'db');
const indexed = spawnSync(opts.index, ['--db', db, '--quiet', opts.corpus], { encoding: 'utf8' });
if (indexed.status !== 0 && indexed.status !== 3) {
  console.error('dateline-index failed:', indexed.status, indexed.stderr);
  process.exit(1);
}

/** Starts dateline-serve on a free port; resolves with its base URL. */
function startServer() {
  return new Promise((resolve, reject) => {
    const proc = spawn(opts.serve, ['--db', db, '--listen', '127.0.0.1:0', '--no-access-log'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', chunk => {
      out += chunk;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) resolve({ proc, base: m[1] });
    });
    proc.on('exit', code => reject(new Error('dateline-serve exited with ' + code + ': ' + out)));
  });
}

const { proc: server, base } = await startServer();
const browser = await chromium.launch({
  executablePath: opts.chromium,
  headless: true,
  chromiumSandbox: false,
  // Without these, chromium tries to reach Google's services, which this machine's network refuses.
  args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

let passed = 0;
let failed = 0;
async function test(name, fn) {
  const context = await browser.newContext(fn.contextOptions || { viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  try {
    await fn(page);
    if (errors.length) throw new Error('page errors: ' + errors.join('; '));
    passed++;
    console.log('ok   ' + name);
  } catch (e) {
    failed++;
    console.log('FAIL ' + name + ': ' + (e.stack || e).toString().split('\n').slice(0, 4).join('\n'));
    await page.screenshot({ path: join(opts.artifacts, 'FAILED-' + name.replace(/\W+/g, '-') + '.png'), fullPage: true }).catch(() => {});
  } finally {
    await context.close();
  }
}
function check(cond, message) { if (!cond) throw new Error(message); }
const shot = (page, name) => page.screenshot({ path: join(opts.artifacts, name + '.png'), fullPage: false });

// ---- the widget on the example page

await test('widget: type, see suggestions, pick one with the keyboard, see results', async page => {
  await page.goto(base + '/example.html');
  const widget = page.locator('#site-search');
  const input = widget.locator('input[role=combobox]');
  await input.click();
  await input.pressSequentially('Vladi', { delay: 60 });
  const options = widget.locator('[role=option]');
  await options.first().waitFor({ state: 'visible', timeout: 5000 });
  check(await input.getAttribute('aria-expanded') === 'true', 'aria-expanded is not true with suggestions shown');
  const listId = await input.getAttribute('aria-controls');
  check(await widget.locator('#' + listId).getAttribute('role') === 'listbox', 'aria-controls does not name the listbox');
  const texts = await options.allTextContents();
  check(texts.some(t => /vladivostok/i.test(t)), 'no Vladivostok suggestion: ' + texts.join(' | '));
  await shot(page, 'widget-suggestions');
  const index = texts.findIndex(t => /vladivostok/i.test(t));
  for (let i = 0; i <= index; i++) await input.press('ArrowDown');
  check(await options.nth(index).getAttribute('aria-selected') === 'true', 'arrow keys do not select the option');
  check(await input.getAttribute('aria-activedescendant') === await options.nth(index).getAttribute('id'), 'aria-activedescendant');
  await input.press('Enter');
  check(/vladivostok/i.test(await input.inputValue()), 'the chosen suggestion is not in the box');
  const hits = widget.locator('.hit');
  await hits.first().waitFor({ timeout: 5000 });
  const titles = await widget.locator('.hit a').allTextContents();
  check(titles.some(t => /vladivostok/i.test(t)), 'results lack Vladivostok: ' + titles.join(' | '));
  check(await widget.locator('.hit mark').count() > 0, 'no highlighted match in the results');
  check(await widget.locator('[role=listbox]').isHidden(), 'suggestions still open after choosing');
  await shot(page, 'widget-results');
  await input.press('Escape');
  await input.press('Escape');
  check(await widget.locator('.panel').isHidden(), 'Escape does not close the results panel');
});

await test('widget: click a suggestion with the mouse', async page => {
  await page.goto(base + '/example.html');
  const widget = page.locator('#site-search');
  const input = widget.locator('input[role=combobox]');
  await input.click();
  await input.pressSequentially('Pyong', { delay: 60 });
  const option = widget.locator('[role=option]').first();
  await option.waitFor({ state: 'visible', timeout: 5000 });
  const text = (await option.locator('span').first().textContent()).trim();
  await option.click();
  await widget.locator('.hit').first().waitFor({ timeout: 5000 });
  check((await input.inputValue()) === text, 'clicked suggestion ' + text + ' not in the box');
});

await test('widget: the articles missing a word follow the head under their own heading', async page => {
  await page.goto(base + '/example.html');
  const widget = page.locator('#site-search');
  const input = widget.locator('input[role=combobox]');
  await input.fill('Kim Putin Vladivostok');
  await input.press('Enter');
  await widget.locator('.hit').first().waitFor({ timeout: 5000 });
  const lists = widget.locator('ol.hits');
  check((await lists.count()) === 2, 'expected the head and the tail as two lists, got ' + (await lists.count()));
  check((await widget.locator('p.partial').textContent()).trim() === 'Articles missing a word', 'no heading before the tail');
  const head = await lists.nth(0).locator('.hit').count();
  check((await lists.nth(1).getAttribute('start')) === String(head + 1), 'the tail does not continue the numbering');
  check(/^\d+ results? with every word$/.test((await widget.locator('.count').textContent()).trim()), 'the count does not say it counts the articles with every word');
  await shot(page, 'widget-partial');
});

await test('widget: an English search also finds French articles and says which words it searched', async page => {
  await page.goto(base + '/example.html');
  const widget = page.locator('#site-search');
  const input = widget.locator('input[role=combobox]');
  await input.fill('school closures');
  await input.press('Enter');
  await widget.locator('.hit').first().waitFor({ timeout: 5000 });
  const line = (await widget.locator('p.translations').textContent()).trim();
  check(line === 'Also searched in French: école, fermeture', 'translations line: ' + line);
  check((await widget.locator('.hit').first().textContent()).includes('fermeture'), 'the French article is not first');
  await shot(page, 'widget-translations');
});

await test('widget: timeline year → months → month filter; place filter; chips', async page => {
  await page.goto(base + '/example.html');
  const widget = page.locator('#site-search');
  const input = widget.locator('input[role=combobox]');
  await input.fill('Kim');
  await input.press('Enter');
  await widget.locator('.hit').first().waitFor({ timeout: 5000 });
  const yearBar = widget.locator('.bar:not([disabled])').first();
  const yearLabel = await yearBar.getAttribute('aria-label');
  const year = yearLabel.slice(0, 4);
  await yearBar.click();
  await widget.locator('.tl-nav').getByText(year).waitFor({ timeout: 5000 });
  check(await widget.locator('.bar').count() === 12, 'the drilled timeline does not show 12 months');
  await shot(page, 'widget-timeline-months');
  const monthBar = widget.locator('.bar:not([disabled])').first();
  await monthBar.click();
  await widget.locator('.chip').first().waitFor({ timeout: 5000 });
  const dates = await widget.locator('.hit .meta').allTextContents();
  check(dates.length > 0 && dates.every(d => d.includes(year)), 'results outside ' + year + ': ' + dates.join(' | '));
  await widget.locator('.chip').first().click();
  await page.waitForFunction(() => !document.querySelector('#site-search').shadowRoot.querySelector('.chip'), null, { timeout: 5000 });
  const place = widget.locator('.facet-place button').first();
  const placeName = (await place.locator('span').first().textContent()).trim();
  await place.click();
  await widget.locator('.chip', { hasText: placeName }).waitFor({ timeout: 5000 });
  check(await widget.locator('.facet-place button[aria-pressed=true]').count() === 1, 'place not marked as chosen');
  await shot(page, 'widget-place-filter');
});

const phone = async page => {
  await page.goto(base + '/example.html');
  const widget = page.locator('#site-search');
  const input = widget.locator('input[role=combobox]');
  await input.fill('Maurice');
  await input.press('Enter');
  await widget.locator('.hit').first().waitFor({ timeout: 5000 });
  const box = await widget.locator('.panel').boundingBox();
  check(box.x >= 0 && box.x + box.width <= 375 + 1, 'panel outside a 375px screen: x=' + box.x + ' width=' + box.width);
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  check(scrollWidth <= 376, 'the page scrolls sideways at 375px: ' + scrollWidth);
  await shot(page, 'widget-phone');
};
phone.contextOptions = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
await test('widget: usable at phone width (375px)', phone);

await test('widget: French instance', async page => {
  await page.goto(base + '/example.html');
  const widget = page.locator('#site-search-fr');
  const input = widget.locator('input[role=combobox]');
  check((await input.getAttribute('placeholder')).startsWith('Rechercher'), 'French placeholder');
  await input.fill('Corée');
  await input.press('Enter');
  await widget.locator('.hit').first().waitFor({ timeout: 5000 });
  check(/résultat/.test(await widget.locator('.count').textContent()), 'French result count');
  await shot(page, 'widget-french');
});

// ---- server-rendered pages without JavaScript

const noJs = { viewport: { width: 1280, height: 900 }, javaScriptEnabled: false };

const paging = async page => {
  await page.goto(base + '/?q=Kim&size=3');
  check(await page.locator('.dl-hit').count() === 3, 'page 1 has not 3 results');
  const first = await page.locator('.dl-hit-title').first().textContent();
  await shot(page, 'page-results');
  await page.locator('a[rel=next]').click();
  await page.waitForURL(/page=2/);
  check(await page.locator('ol.dl-hits').getAttribute('start') === '4', 'page 2 does not start at 4');
  check((await page.locator('.dl-hit-title').first().textContent()) !== first, 'page 2 shows page 1');
  await page.locator('a[rel=prev]').click();
  await page.waitForURL(u => !/page=2/.test(u));
};
paging.contextOptions = noJs;
await test('page without JavaScript: paging', paging);

const facets = async page => {
  await page.goto(base + '/?q=');
  const yearLink = page.locator('svg.dl-histogram a').last();
  await yearLink.click();
  await page.waitForURL(/drill=\d{4}/);
  const year = /drill=(\d{4})/.exec(page.url())[1];
  check(await page.locator('svg.dl-histogram rect.dl-bar:not(.dl-bar-empty)').count() >= 1, 'no month bars');
  await shot(page, 'page-timeline-months');
  await page.locator('a.dl-timeline-year').click();
  await page.waitForURL(new RegExp('from=' + year + '&to=' + year));
  check(await page.locator('.dl-chip').count() >= 1, 'no chip for the year filter');
  const dates = await page.locator('.dl-hit time').evaluateAll(ts => ts.map(t => t.getAttribute('datetime')));
  check(dates.length && dates.every(d => d.startsWith(year)), 'results outside ' + year);
  const place = page.locator('a.dl-facet-item[href*="place="]').first();
  await place.click();
  await page.waitForURL(/place=/);
  check(await page.locator('a.dl-facet-item.dl-active').count() === 1, 'place not active');
  check(await page.locator('.dl-chip').count() >= 2, 'chips for year and place');
  await shot(page, 'page-filters');
  await page.locator('.dl-chip').first().click();
  await page.waitForURL(u => !/from=/.test(u));
};
facets.contextOptions = noJs;
await test('page without JavaScript: year histogram and place filter', facets);

const french = async page => {
  await page.goto(base + '/?q=Kim');
  check(await page.locator('html').getAttribute('lang') === 'fr', 'Accept-Language fr not honoured');
  check(/résultats/.test(await page.locator('.dl-count').textContent()), 'French count');
  await shot(page, 'page-french');
  await page.locator('.dl-ui-switch a').click();
  check(await page.locator('html').getAttribute('lang') === 'en', 'the switch does not give English');
  check(/results/.test(await page.locator('.dl-count').textContent()), 'English count after switching');
};
french.contextOptions = { viewport: { width: 1280, height: 900 }, javaScriptEnabled: false, locale: 'fr-FR' };
await test('page: French UI from Accept-Language, switch to English', french);

const article = async page => {
  await page.goto(base + '/?q=Vladivostok');
  await page.locator('.dl-hit-title a').first().click();
  await page.waitForURL(/\/article\?id=/);
  check(await page.locator('h1.dl-article-title').count() === 1, 'no article title');
  check(await page.locator('.dl-related-list li').count() >= 1, 'no related articles');
  await shot(page, 'page-article');
  await page.locator('.dl-back a').click();
  await page.waitForURL(/\?q=Vladivostok/);
};
article.contextOptions = noJs;
await test('page: article with related articles and a way back', article);

const xss = async page => {
  await page.goto(base + '/?q=ministry+website+hackers');
  const title = await page.locator('.dl-hit-title').first().textContent();
  check(title.includes('<script>alert(1)</script>'), 'the <script> of the title is not shown as text: ' + title);
  await shot(page, 'page-escaped-title');
};
await test('page: a title containing <script> shows as text', xss);

const phonePage = async page => {
  await page.goto(base + '/?q=Kim');
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  check(scrollWidth <= 376, 'results page scrolls sideways at 375px: ' + scrollWidth);
  await shot(page, 'page-phone');
};
phonePage.contextOptions = { viewport: { width: 375, height: 740 }, isMobile: true, javaScriptEnabled: false };
await test('page: phone width', phonePage);

const followAndDownload = async page => {
  await page.goto(base + '/?q=North+Korea+Russia');
  check(await page.locator('.dl-periods dd').count() >= 2, 'no period terms under the timeline');
  check(await page.locator('link[rel="alternate"][type="application/atom+xml"]').count() === 1, 'no alternate link');
  // Download: the browser saves the CSV of every result.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a.dl-download-link').click()]);
  check(download.suggestedFilename() === 'dateline-export.csv', 'download name: ' + download.suggestedFilename());
  const path = await download.path();
  const csv = (await import('node:fs')).readFileSync(path, 'utf8');
  check(csv.startsWith('rank,id,date,lang,source,title,url,places,place_ids,score\r\n'), 'CSV header: ' + csv.slice(0, 80));
  // Follow: the Atom feed of the same search.
  const [response] = await Promise.all([page.waitForResponse(r => r.url().includes('/feed?')), page.locator('a.dl-follow-link').click()]);
  check(response.status() === 200 && /application\/atom\+xml/.test(response.headers()['content-type']), 'feed response ' + response.status());
  check((await response.text()).includes('<feed xmlns="http://www.w3.org/2005/Atom"'), 'not an Atom feed');
};
followAndDownload.contextOptions = { viewport: { width: 1280, height: 900 }, javaScriptEnabled: false, acceptDownloads: true };
await test('page: Follow opens the Atom feed, Download saves the CSV', followAndDownload);

await browser.close();
server.kill('SIGTERM');
rmSync(work, { recursive: true, force: true });
console.log(`browser: ${passed} passed, ${failed} failed; screenshots in ${opts.artifacts}`);
process.exit(failed ? 1 : 0);
