import { chromium } from 'playwright-core';
import { preview } from 'vite';
const server = await preview({ configFile: 'vite.config.ts', logLevel:'warn', preview: { port: 0, host: '127.0.0.1' } });
const url = server.resolvedUrls.local[0];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox','--enable-unsafe-swiftshader'] });
for (const [backend, q] of JSON.parse(process.argv[2])) {
  const page = await browser.newPage();
  await page.goto(url + q);
  await page.waitForSelector('#backends[aria-busy=false]');
  await page.check(`input[value="${backend}"]`);
  await page.waitForSelector('body[data-phase=ready]', {timeout: 600000});
  const t0 = Date.now();
  await page.click('#start');
  await page.waitForSelector('body[data-phase=done]', {timeout: 600000});
  console.log(backend, q, ((Date.now()-t0)/1000).toFixed(1)+'s wall', await page.locator('#probe-accuracy').textContent(), 'pixels', await page.locator('#pixel-accuracy').textContent(), await page.locator('#timing').textContent());
  await page.close();
}
await browser.close(); await server.close();
