// The web UI end to end, driven by Debian's chromium through playwright-core. Started by BrowserTest (JUnit),
// which owns the server: this script prints "WRITE <container>" when it wants data written into a container and
// waits for "DONE" on stdin, so the data path stays in Java while the browser watches the dashboard change.
//
// Environment: CISTERN_URL, CISTERN_USER, CISTERN_PASSWORD, SCREENSHOTS (directory), USER_DATA_DIR (fresh, empty).
import { chromium } from 'playwright-core';
import { createInterface } from 'node:readline';

const url = process.env.CISTERN_URL;
const shots = process.env.SCREENSHOTS;
const lines = createInterface({ input: process.stdin });
const nextLine = () => new Promise(resolve => lines.once('line', resolve));

function check(cond, what) {
  if (!cond) throw new Error('check failed: ' + what);
  console.log('ok - ' + what);
}

const context = await chromium.launchPersistentContext(process.env.USER_DATA_DIR, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  ignoreHTTPSErrors: true, // the server's self-signed certificate; BrowserTest checks TLS pinning elsewhere
  viewport: { width: 1280, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = context.pages()[0] ?? await context.newPage();
const problems = [];
page.on('pageerror', e => problems.push('page error: ' + e.message));
// the journey makes a wrong login (401) and an invalid request (400) on purpose; anything else is a problem
const expected = /Failed to load resource: the server responded with a status of 40[01]/;
page.on('console', m => { if (m.type() === 'error' && !expected.test(m.text())) problems.push('console: ' + m.text()); });
page.setDefaultTimeout(20000);

try {
  // log in
  await page.goto(url + '/');
  await page.getByTestId('login').waitFor();
  await page.fill('input[name=user]', process.env.CISTERN_USER);
  await page.fill('input[name=password]', 'wrong password');
  await page.click('button[type=submit]');
  await page.getByText('wrong user name or password').waitFor();
  check(true, 'a wrong password is refused with the server\'s message');
  await page.fill('input[name=password]', process.env.CISTERN_PASSWORD);
  await page.click('button[type=submit]');
  await page.getByTestId('savings').waitFor();
  const savingsBefore = await page.getByTestId('savings').textContent();
  check(savingsBefore.trim() === '0.0 %', 'the empty server shows 0.0 % savings, got ' + savingsBefore);
  await page.screenshot({ path: shots + '/1-dashboard-empty.png', fullPage: true });

  // create a storage group (with a quota the data will nearly fill) and a container
  await page.click('nav >> text=Storage groups');
  await page.getByTestId('group-create').waitFor();
  await page.fill('[data-testid=group-create] input[name=name]', 'backups');
  await page.selectOption('[data-testid=group-create] select[name=compression]', 'none');
  await page.fill('[data-testid=group-create] input[name=quota]', '1M');
  await page.click('[data-testid=group-create] button[type=submit]');
  await page.locator('[data-testid=groups] td', { hasText: 'backups' }).first().waitFor();
  check(true, 'storage group created from the UI');
  const groupRow = page.locator('[data-testid=groups] tr', { hasText: 'backups' });
  check(await groupRow.locator('td', { hasText: /^sha256$/ }).count() === 1, 'the group shows its chunk ids: sha256');

  await page.click('nav >> text=Containers');
  await page.getByTestId('container-create').waitFor();
  await page.fill('[data-testid=container-create] input[name=name]', 'nightly');
  await page.selectOption('[data-testid=container-create] select[name=protocol]', 's3');
  await page.click('[data-testid=container-create] button[type=submit]');
  await page.locator('[data-testid=containers] td', { hasText: 'nightly' }).first().waitFor();
  check(true, 'container created from the UI');
  // a bad value is refused with the server's message and creates nothing
  await page.fill('[data-testid=container-create] input[name=name]', 'Bad_Name');
  await page.click('[data-testid=container-create] button[type=submit]');
  await page.locator('[data-testid=container-create] .msg.error').waitFor();
  check((await page.locator('[data-testid=containers] tbody tr').count()) === 1, 'an invalid container name is refused');
  await page.screenshot({ path: shots + '/2-containers.png', fullPage: true });

  // watch the dashboard while data arrives
  await page.click('nav >> text=Dashboard');
  await page.getByTestId('chart-throughput').waitFor();
  console.log('WRITE nightly');
  const reply = await nextLine();
  check(reply === 'DONE', 'data written by the test harness');
  await page.waitForFunction(() => document.querySelector('[data-testid=savings]')?.textContent.trim() !== '0.0 %', null, { timeout: 30000 });
  const savingsAfter = await page.getByTestId('savings').textContent();
  check(parseFloat(savingsAfter) > 40, 'savings rise after writing the same data twice: ' + savingsAfter);
  await page.waitForFunction(() => {
    const d = document.querySelector('[data-testid=chart-throughput] path[data-series=write]')?.getAttribute('d') ?? '';
    return d.includes('L');
  }, null, { timeout: 30000 });
  check(true, 'the throughput chart draws the write rate');
  await page.getByTestId('alert-banner').waitFor({ timeout: 30000 });
  check(true, 'the dashboard shows the quota alert');
  await page.screenshot({ path: shots + '/3-dashboard-with-data.png', fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: shots + '/4-dashboard-phone.png', fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  // acknowledge the alert
  await page.click('nav >> text=Alerts & events');
  const ack = page.locator('[data-testid^=ack-]').first();
  await ack.waitFor();
  await ack.click();
  await page.locator('[data-testid=alerts] td', { hasText: 'by ' + process.env.CISTERN_USER }).first().waitFor();
  check(true, 'the alert is acknowledged');
  await page.locator('[data-testid=events] td', { hasText: "created container 'nightly'" }).first().waitFor();
  check(true, 'the container creation is in the events');
  await page.screenshot({ path: shots + '/5-alerts.png', fullPage: true });

  // users and roles: an admin adds an operator
  await page.click('nav >> text=Users');
  await page.getByTestId('user-add').waitFor();
  await page.fill('[data-testid=user-add] input[name=name]', 'bob');
  await page.selectOption('[data-testid=user-add] select[name=role]', 'operator');
  await page.fill('[data-testid=user-add] input[name=password]', 'bob-password-1');
  await page.click('[data-testid=user-add] button[type=submit]');
  await page.locator('[data-testid=users] td', { hasText: 'bob' }).first().waitFor();
  check(true, 'a user is added with a role from the UI');

  await page.click('nav >> text=System');
  await page.locator('[data-testid=services] td', { hasText: 'monitor' }).first().waitFor();
  await page.screenshot({ path: shots + '/6-system.png', fullPage: true });

  // log out: the token is revoked and the login form is back
  await page.getByTestId('logout').click();
  await page.getByTestId('login').waitFor();
  check(await page.evaluate(() => sessionStorage.getItem('cistern.token')) === null, 'logging out forgets the token');
  check(problems.length === 0, 'no script errors in the page: ' + problems.join('; '));
  console.log('PASS');
} catch (e) {
  await page.screenshot({ path: shots + '/failure.png', fullPage: true }).catch(() => {});
  console.error('FAIL: ' + (e && e.stack || e));
  process.exitCode = 1;
} finally {
  await context.close();
  lines.close();
}
