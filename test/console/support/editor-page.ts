import type { Page } from 'playwright-core';

/** Replaces the first editor's text with `code` (pasted at once, no completion on the way). */
export async function replaceCode(page: Page, code: string): Promise<void> {
  await page.locator('.cm-content').first().click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
}

/** Waits until the editor's language service has loaded the packages' types from `apiPath`. */
export async function packageTypesLoaded(page: Page, apiPath: string, timeout = 60_000): Promise<void> {
  await page.locator(`[data-testid=code-editor][data-package-types="${apiPath}"]`).waitFor({ timeout });
}

/** The lint message of the first underlined error, read from its hover tooltip. */
export async function firstErrorMessage(page: Page, timeout = 60_000): Promise<string> {
  const underline = page.locator('.cm-lintRange-error').first();
  await underline.waitFor({ timeout });
  await underline.hover();
  const tooltip = page.locator('.cm-tooltip-lint, .cm-tooltip .cm-diagnostic').first();
  await tooltip.waitFor({ timeout });
  return tooltip.innerText();
}
