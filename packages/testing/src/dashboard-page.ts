import { Browser, Locator, Page } from 'playwright-core';
import { IdePage } from './ide-page';

/** Warren's dashboard in chromium, as a developer uses it: sign in, create a workspace, wait for its phase, open its IDE. */
export class DashboardPage {
    constructor(readonly browser: Browser, readonly page: Page, readonly gateway: string) { }

    /** Follows a one-time sign-in link; resolves on the dashboard. */
    async signIn(loginUrl: string): Promise<void> {
        await this.page.goto(loginUrl);
        await this.createButton().waitFor({ timeout: 30_000 });
    }

    row(id: string): Locator {
        return this.page.locator(`[data-workspace="${id}"]`);
    }

    /** Fills the form and creates; the workspace's id is its name in lower case. */
    async create(name: string, className: string): Promise<void> {
        await this.page.getByLabel('Name').fill(name);
        await this.page.getByLabel('Class').selectOption(className);
        await this.createButton().click();
    }

    waitForPhase(id: string, phase: string, timeout = 240_000): Promise<void> {
        return this.row(id).locator(`[data-phase="${phase}"]`).waitFor({ timeout });
    }

    /** Opens /open/<id> in a new tab of the same session and waits for the workbench at the workspace's own host. */
    async openIde(id: string, tenant = 'default'): Promise<IdePage> {
        const page = await this.page.context().newPage();
        await page.goto(`${this.gateway}/open/${id}`);
        const gateway = new URL(this.gateway);
        await page.waitForURL(`${gateway.protocol}//${id}--${tenant}.${gateway.host}/`, { timeout: 120_000 });
        await page.locator('#theia-app-shell').waitFor({ state: 'visible', timeout: 90_000 });
        return new IdePage(this.browser, page.context(), page);
    }

    protected createButton(): Locator {
        return this.page.getByRole('button', { name: 'Create workspace' });
    }
}
