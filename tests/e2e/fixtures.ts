// Every e2e test runs with two guards: a request to any host other than the
// local server fails the test, and so does any console error on any page.
import { test as base, expect } from '@playwright/test';

export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: async ({ page, baseURL }, use) => {
    const errors: string[] = [];
    const local = new URL(baseURL ?? 'http://localhost/').host;
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === 'data:' || url.protocol === 'blob:' || url.host === local) return route.continue();
      errors.push(`request left the local server: ${url.href}`);
      return route.abort();
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console error on ${page.url()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => errors.push(`uncaught error on ${page.url()}: ${err.message}`));
    await use(errors);
    expect(errors, 'console errors or external requests').toEqual([]);
  },
});

export { expect };
