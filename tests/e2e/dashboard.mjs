#!/usr/bin/env node
// The dashboard and the check page of `webshield serve` in a real browser (Debian's chromium,
// driven by playwright-core from web/node_modules). Signs in with a token through the form and
// through a #token= link, waits for the chart and the totals, opens a report, the alerts, the
// reporters and the quarantine, checks a domain on /check, and expects errors for a wrong token and a name that
// is not a domain. Exit status 0 when every step passed, 1 otherwise, 64 for bad usage.
//
//   node tests/e2e/dashboard.mjs --url http://127.0.0.1:8480 --token TOKEN \
//        --check-domain healthy.test [--expect-domain example.com] [--expect-reports 12]
//        [--expect-sessions N] [--expect-failed N] [--expect-alert KEY-TEXT]
//        [--period all|7d|30d|90d]
//        [--screenshots DIR] [--chromium /usr/bin/chromium]
//
// Every option can also come from the environment: WEBSHIELD_URL, WEBSHIELD_TOKEN,
// WEBSHIELD_CHECK_DOMAIN, WEBSHIELD_EXPECT_DOMAIN, WEBSHIELD_EXPECT_REPORTS, … (upper case, '_').
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const kOptions = {
  url: { type: 'string' },
  token: { type: 'string' },
  'check-domain': { type: 'string' },
  'expect-domain': { type: 'string' },
  'expect-reports': { type: 'string' },
  'expect-sessions': { type: 'string' },
  'expect-failed': { type: 'string' },
  'expect-alert': { type: 'string' },
  period: { type: 'string' },
  screenshots: { type: 'string' },
  chromium: { type: 'string' },
  timeout: { type: 'string' },
  // Explanations and the live probe (issue 8): the result types' explanations, each MX's probe
  // link, and a signed-in check with the reports that arrive are always tested; with these, also
  // the probe of an MX of the test world whose certificate names NAME (and not HOST).
  'probe-mx': { type: 'string' },
  'probe-name': { type: 'string' },
  help: { type: 'boolean' },
};

function usage(message) {
  if (message) console.error(`dashboard.mjs: ${message}`);
  console.error(
    'usage: node tests/e2e/dashboard.mjs --url URL --token TOKEN --check-domain DOMAIN\n' +
      '         [--expect-domain D] [--expect-reports N] [--expect-sessions N] [--expect-failed N]\n' +
      '         [--period all|7d|30d|90d] [--probe-mx HOST --probe-name NAME] [--screenshots DIR]\n' +
      '         [--chromium PATH] [--timeout SECONDS]',
  );
  process.exit(64);
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({ options: kOptions, allowPositionals: false }).values;
  } catch (error) {
    usage(error.message);
  }
  if (parsed.help) usage();
  const result = {};
  for (const name of Object.keys(kOptions)) {
    const env = `WEBSHIELD_${name.toUpperCase().replace(/-/g, '_')}`;
    result[name] = parsed[name] ?? process.env[env];
  }
  for (const required of ['url', 'token', 'check-domain']) {
    if (!result[required]) usage(`--${required} is required`);
  }
  for (const number of ['expect-reports', 'expect-sessions', 'expect-failed', 'timeout']) {
    if (result[number] !== undefined && !/^\d+$/.test(result[number])) usage(`--${number} takes a number`);
  }
  result.url = result.url.replace(/\/+$/, '');
  result.period ??= 'all';
  result.chromium ??= '/usr/bin/chromium';
  result.timeout = Number(result.timeout ?? 120) * 1000;
  return result;
}

const opts = options();
const require = createRequire(new URL('../../web/package.json', import.meta.url));
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch {
  console.error('dashboard.mjs: playwright-core is missing: run npm ci in web/');
  process.exit(64);
}

const kLaunch = {
  executablePath: opts.chromium,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
const kDesktop = { width: 1280, height: 900 };
const kPhone = { width: 390, height: 844 };

// "12,345" -> 12345
function figure(text) {
  return Number(String(text).replace(/[^\d.]/g, ''));
}

let failures = 0;
async function step(name, body) {
  const started = Date.now();
  try {
    await body();
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    failures += 1;
    console.log(`FAIL ${name}: ${error.message.split('\n').filter((line) => line.trim()).slice(0, 6).join('\n     ')}`);
  }
}

// A page that fails the test on script errors and on Content-Security-Policy violations (the
// server sends default-src 'self': nothing inline may be needed).
async function newPage(browser, viewport = kDesktop) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  context.setDefaultTimeout(opts.timeout);
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (error) => page.problems.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(text)) page.problems.push(`CSP: ${text}`);
  });
  return page;
}

function noProblems(page) {
  assert.deepEqual(page.problems, [], 'the page logged errors');
}

async function screenshot(page, name) {
  if (!opts.screenshots) return;
  fs.mkdirSync(opts.screenshots, { recursive: true });
  await page.screenshot({ path: `${opts.screenshots}/${name}.png`, fullPage: true });
}

async function signInWithForm(page, token) {
  await page.goto(`${opts.url}/`);
  await page.locator('#sign-in').waitFor({ state: 'visible' });
  await page.fill('#token', token);
  await page.click('#sign-in-submit');
}

async function choosePeriod(page) {
  await page.selectOption('#period', opts.period);
}

async function waitForTotals(page) {
  await page.locator('#view-overview').waitFor({ state: 'visible' });
  await page.waitForFunction(() => document.querySelector('#total-reports')?.textContent.trim() !== '–');
  if (opts['expect-reports'] !== undefined) {
    await page.waitForFunction(
      (want) => Number(document.querySelector('#total-reports').textContent.replace(/\D/g, '')) === want,
      Number(opts['expect-reports']),
      { timeout: 15000 },
    ).catch(async () => {
      assert.equal(figure(await page.textContent('#total-reports')), Number(opts['expect-reports']), 'reports');
    });
  }
}

// Submits the check form; over the server's rate of checks per client (429), waits as long as
// the page says and submits once more.
async function submitCheck(page) {
  await page.click('#check-submit');
  await page.waitForSelector('#verdict:visible, #check-error:visible');
  if (await page.locator('#verdict').isVisible()) return;
  const error = (await page.textContent('#check-error')) || '';
  assert.match(error, /Too many checks/, 'the check failed');
  const seconds = Number(/(\d+) seconds/.exec(error)?.[1] ?? 60);
  await page.waitForTimeout(Math.min(seconds, 90) * 1000 + 500);
  await page.click('#check-submit');
  await page.locator('#verdict').waitFor({ state: 'visible' });
}

async function rows(page, selector) {
  return page.locator(`${selector} tbody tr`).count();
}

async function main() {
  const browser = await chromium.launch(kLaunch);
  try {
    const page = await newPage(browser);

    await step('a wrong token is refused with a message', async () => {
      await signInWithForm(page, `wrong-${opts.token}`);
      const error = page.locator('#sign-in-error');
      await error.waitFor({ state: 'visible' });
      assert.match(await error.textContent(), /wrong|refused|too many/i);
      assert.equal(await page.locator('#dashboard').isVisible(), false);
    });

    await step('sign in with the token through the form', async () => {
      await page.fill('#token', opts.token);
      await page.click('#sign-in-submit');
      await page.locator('#dashboard').waitFor({ state: 'visible' });
      await page.locator('#account').waitFor({ state: 'visible' });
    });

    await step(`totals for period ${opts.period}`, async () => {
      await choosePeriod(page);
      await waitForTotals(page);
      const sessions = figure(await page.textContent('#total-sessions'));
      const failed = figure(await page.textContent('#total-failed'));
      if (opts['expect-sessions'] !== undefined) assert.equal(sessions, Number(opts['expect-sessions']), 'sessions');
      if (opts['expect-failed'] !== undefined) assert.equal(failed, Number(opts['expect-failed']), 'failed sessions');
      assert.match(await page.textContent('#total-rate'), /^(\d+(\.\d+)? %|–)$/);
    });

    await step('the chart is drawn', async () => {
      const canvas = page.locator('#chart .uplot canvas').first();
      await canvas.waitFor({ state: 'visible' });
      const box = await canvas.boundingBox();
      assert.ok(box && box.width > 100 && box.height > 100, `canvas size ${JSON.stringify(box)}`);
      assert.ok((await page.locator('#chart .u-legend').count()) > 0, 'legend');
    });

    await step('the tables have rows', async () => {
      assert.ok((await rows(page, '#by-sender')) > 0, 'by reporting organisation');
      assert.ok((await rows(page, '#by-type')) > 0, 'by result type');
      assert.ok((await rows(page, '#by-mx')) > 0, 'by receiving MX');
      assert.ok((await rows(page, '#by-ip')) > 0, 'by sending IP');
    });

    await step('each result type shows its explanation', async () => {
      const types = (await page.locator('#by-type .explained > code').allTextContents()).map((t) => t.trim());
      // The corpus holds these types (tests/fixtures/reports/).
      const known = ['certificate-host-mismatch', 'starttls-not-supported', 'certificate-expired', 'validation-failure', 'sts-policy-fetch-error'];
      const type = known.find((t) => types.includes(t));
      assert.ok(type, `a result type of the corpus among ${types.join(', ')}`);
      const cell = page.locator('#by-type .explained').filter({ has: page.locator('code', { hasText: type }) }).first();
      const line = cell.locator('.explain-summary');
      assert.ok(await line.isVisible(), 'the one-line explanation is visible');
      assert.ok((await line.textContent()).trim().length > 20, 'the one-line explanation says something');
      const more = cell.locator('details.explain');
      assert.equal(await more.locator('h4', { hasText: 'How to fix' }).isVisible(), false, 'closed at first');
      await more.locator('summary').click();
      await more.locator('h4', { hasText: 'How to fix' }).waitFor({ state: 'visible' });
      const text = await more.textContent();
      assert.match(text, /Likely causes/);
      assert.match(text, /How to confirm/);
      assert.match(text, /webshield check \S+/);
      assert.match(text, /Reference: RFC 8460 §4\.3/);
    });

    await screenshot(page, 'dashboard');

    await step('each receiving MX links to a live probe', async () => {
      const link = page.locator('#by-mx a.probe-link').first();
      await link.waitFor();
      const href = await link.getAttribute('href');
      assert.match(href, /^#probe\/[^?]+/, href);
      const host = decodeURIComponent(/^#probe\/([^?]+)/.exec(href)[1]);
      await link.click();
      await page.locator('#view-probe').waitFor({ state: 'visible' });
      assert.ok((await page.textContent('#probe-title')).includes(host), 'the probe names the host');
      // The MX hosts of the corpus do not resolve in the test world: the probe answers with
      // what it found (no address), which the page shows with what the reports say.
      await page.locator('#probe-detail .probe-sentence, #probe-detail .error').first().waitFor({ timeout: 90000 });
      assert.equal(await page.locator('#probe-detail .error').count(), 0, await page.textContent('#probe-detail'));
      assert.match(await page.textContent('#probe-detail .probe-sentence'), /\.$/);
      assert.ok((await page.locator('#probe-now').count()) === 1, 'the "now" section');
      await screenshot(page, 'probe');
      await page.click('.tabs a[data-view="overview"]');
      await page.locator('#view-overview').waitFor({ state: 'visible' });
    });

    if (opts['expect-domain']) {
      await step(`the domain selector offers ${opts['expect-domain']} and filters by it`, async () => {
        const all = figure(await page.textContent('#total-reports'));
        await page.selectOption('#domain', opts['expect-domain']);
        await page.waitForFunction(() => !document.querySelector('#by-sender th')?.textContent.includes('Domain'));
        const some = figure(await page.textContent('#total-reports'));
        assert.ok(some > 0 && some <= all, `${some} reports for the domain, ${all} in all`);
        await page.selectOption('#domain', '');
        await page.waitForFunction((want) => Number(document.querySelector('#total-reports').textContent.replace(/\D/g, '')) === want, all);
      });
    }

    let organisation = '';
    if (opts['probe-mx']) {
      await step(`the live probe of ${opts['probe-mx']} shows the certificate it presents now`, async () => {
        const host = opts['probe-mx'];
        await page.goto(`${opts.url}/#probe/${encodeURIComponent(host)}`);
        await page.locator('#view-probe').waitFor({ state: 'visible' });
        const sentence = page.locator('#probe-detail .probe-sentence');
        await sentence.waitFor({ timeout: 90000 });
        const text = await sentence.textContent();
        assert.ok(text.includes(`${host} now presents a certificate for ${opts['probe-name']}`), text);
        assert.ok(text.includes('certificate-host-mismatch'), `a sender would report the mismatch: ${text}`);
        const address = page.locator('#probe-now .probe-address').first();
        assert.match(await address.textContent(), /STARTTLS\s*yes/);
        assert.ok((await address.textContent()).includes(opts['probe-name']), 'the certificate names');
        await screenshot(page, 'probe-world');
        await page.click('.tabs a[data-view="overview"]');
        await page.locator('#view-overview').waitFor({ state: 'visible' });
      });
    }

    await step('the report list and one report in detail', async () => {
      await page.click('.tabs a[data-view="reports"]');
      await page.locator('#reports-list tbody tr').first().waitFor();
      const link = page.locator('#reports-list tbody tr a').first();
      organisation = (await link.textContent()).trim();
      assert.ok(organisation.length > 0);
      await link.click();
      await page.locator('#view-report').waitFor({ state: 'visible' });
      await page.waitForFunction((org) => document.querySelector('#report-title').textContent.includes(org), organisation);
      await page.locator('#report-detail .facts').first().waitFor();
      assert.ok((await page.locator('#report-detail section.card h3').count()) > 0, 'a policy section');
      const raw = await page.locator('#report-detail a[href$="/raw"]').getAttribute('href');
      assert.match(raw, /^\/api\/v1\/reports\/\d+\/raw$/);
      const response = await page.request.get(`${opts.url}${raw}`);
      assert.equal(response.status(), 200, 'raw download');
      assert.ok((await response.body()).length > 0, 'raw body');
    });
    await screenshot(page, 'report');

    await step('paging through the report list', async () => {
      await page.click('.tabs a[data-view="reports"]');
      await page.locator('#reports-list tbody tr').first().waitFor();
      const more = page.locator('#reports-more');
      if (await more.isVisible()) {
        const before = await rows(page, '#reports-list');
        await more.click();
        await page.waitForFunction((n) => document.querySelectorAll('#reports-list tbody tr').length > n, before);
      }
    });

    await step('alerts', async () => {
      await page.click('.tabs a[data-view="alerts"]');
      await page.locator('#view-alerts').waitFor({ state: 'visible' });
      await page.locator('#alerts-firing table, #alerts-firing .empty').first().waitFor();
      await page.locator('#alerts-cleared table, #alerts-cleared .empty').first().waitFor();
      if (opts['expect-alert']) {
        const text = await page.locator('#alerts-firing').innerText();
        assert.ok(text.includes(opts['expect-alert']), `a firing alert mentions ${opts['expect-alert']}`);
      }
    });
    await screenshot(page, 'alerts');
    if (opts['expect-alert']) {
      await step('an alert links to the reports behind it', async () => {
        await page.locator('#alerts-firing a[href^="#report/"]').first().click();
        await page.locator('#view-report').waitFor({ state: 'visible' });
      });
    }

    await step('reporters', async () => {
      await page.click('.tabs a[data-view="reporters"]');
      await page.locator('#view-reporters').waitFor({ state: 'visible' });
      await page.locator('#reporters-list table, #reporters-list .empty').first().waitFor();
      assert.ok((await rows(page, '#reporters-list')) > 0, 'reporter rows');
    });

    await step('the quarantine', async () => {
      await page.click('.tabs a[data-view="quarantine"]');
      await page.locator('#view-quarantine').waitFor({ state: 'visible' });
      await page.locator('#quarantine-list table, #quarantine-list .empty').first().waitFor();
    });
    await screenshot(page, 'quarantine');

    await step('a signed-in check shows whether reports arrive for the domain', async () => {
      const domain = (await page.locator('#domain option').evaluateAll((options) => options.map((o) => o.value))).find((v) => v !== '');
      assert.ok(domain, 'a policy domain in the selector');
      await page.click('.tabs a[data-view="overview"]');
      await page.selectOption('#domain', domain);
      const arriving = page.locator('#overview-arriving');
      await arriving.waitFor({ state: 'visible' });
      assert.match(await arriving.textContent(), /Reports (are arriving|have stopped): \d+ organisation/);
      assert.equal(await arriving.locator(`a[href="/check?domain=${encodeURIComponent(domain)}"]`).count(), 1, 'a link to check the domain');
      await page.selectOption('#domain', '');
      await arriving.waitFor({ state: 'hidden' });
      await page.goto(`${opts.url}/check`);
      await page.fill('#check-domain', domain);
      await submitCheck(page);
      const part = page.locator('#part-reports');
      await part.waitFor({ state: 'visible' });
      assert.match(await part.textContent(), /Reports (are arriving|have stopped): \d+ organisation/);
      assert.ok((await rows(page, '#part-reports')) > 0, 'a row per reporter');
      await screenshot(page, 'check-signed-in');
      await page.goto(`${opts.url}/`);
      await page.locator('#dashboard').waitFor({ state: 'visible' });
    });

    await step('sign out', async () => {
      await page.click('#sign-out');
      await page.locator('#sign-in').waitFor({ state: 'visible' });
      assert.equal(await page.locator('#dashboard').isVisible(), false);
      const response = await page.request.get(`${opts.url}/api/v1/session`);
      assert.equal(response.status(), 401, 'the session ended on the server');
    });
    await step('no script errors or CSP violations on the dashboard', async () => noProblems(page));
    await page.context().close();

    await step('sign in through a #token= link, which leaves the address bar', async () => {
      const phone = await newPage(browser, kPhone);
      await phone.goto(`${opts.url}/#token=${encodeURIComponent(opts.token)}`);
      await phone.locator('#dashboard').waitFor({ state: 'visible' });
      assert.ok(!phone.url().includes('token'), `address still holds the token: ${phone.url()}`);
      await choosePeriod(phone);
      await waitForTotals(phone);
      await phone.locator('#chart .uplot canvas').first().waitFor({ state: 'visible' });
      const width = await phone.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= kPhone.width + 1, `the page is ${width}px wide on a ${kPhone.width}px phone`);
      await screenshot(phone, 'dashboard-phone');
      noProblems(phone);
      await phone.context().close();
    });

    for (const viewport of [kDesktop, kPhone]) {
      const suffix = viewport === kPhone ? '-phone' : '';
      await step(`check ${opts['check-domain']} on /check (${viewport.width}px)`, async () => {
        const check = await newPage(browser, viewport);
        await check.goto(`${opts.url}/check`);
        await check.fill('#check-domain', opts['check-domain']);
        await submitCheck(check);
        assert.match(await check.textContent('#verdict .badge'), /^(pass|warn|fail|unknown)$/);
        assert.ok((await check.locator('#check-result section[id^="part-"]').count()) >= 1, 'a section');
        assert.ok(check.url().endsWith(`/check?domain=${encodeURIComponent(opts['check-domain'])}`), check.url());
        assert.equal(await check.locator('#part-reports').count(), 0, 'reports are shown to signed-in users only');
        await screenshot(check, `check${suffix}`);
        noProblems(check);
        await check.context().close();
      });
    }

    await step('a name that is not a domain shows an error on /check', async () => {
      const check = await newPage(browser);
      await check.goto(`${opts.url}/check`);
      await check.fill('#check-domain', 'not a domain');
      await check.click('#check-submit');
      const error = check.locator('#check-error');
      await error.waitFor({ state: 'visible' });
      assert.ok((await error.textContent()).trim().length > 0);
      assert.equal(await check.locator('#verdict').count(), 0);
      noProblems(check);
      await check.context().close();
    });
  } finally {
    await browser.close();
  }
}

try {
  await main();
} catch (error) {
  failures += 1;
  console.log(`FAIL ${error.stack || error}`);
}
console.log(failures ? `${failures} step(s) failed` : 'all steps passed');
process.exit(failures ? 1 : 0);
