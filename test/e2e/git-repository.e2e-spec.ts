import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Browser, Locator, Page } from 'playwright-core';
import { eventually, findLeaks, GitServer, IdePage, launchChromium, REPO, startWarrenServe, WarrenServe } from '@warren/testing';

const TOKEN = 'glpat-warrenE2eToken9876543210';
const HELLO = path.join(REPO, 'examples', 'hello');
/** git that talks to the git server, which runs in this process: never synchronously. */
const gitAsync = async (...args: string[]): Promise<void> => { await promisify(execFile)('git', args); };

/**
 * Bring your own code, as a user does it in chromium: a token added on the dashboard, a workspace
 * created from a private repository's URL (a real git server, git http-backend behind basic auth),
 * its files in the IDE, and source control against that server: an edit in Changes with a gutter
 * marker, a commit pushed as the user (git asks Warren for the token through the IDE's relay), a
 * change of someone else's pulled. The token is never in the workspace's files, environments or ps.
 */
describe('a workspace from a git repository, in the browser', () => {
    let git: GitServer;
    let warren: WarrenServe;
    let browser: Browser;
    let dashboard: Page;
    let ide: IdePage;
    let page: Page;
    let other: string;
    let host: string;

    before(async () => {
        git = await GitServer.start({ users: { ada: TOKEN } });
        const files = Object.fromEntries(fs.readdirSync(HELLO).filter(f => fs.statSync(path.join(HELLO, f)).isFile()).map(f => [f, fs.readFileSync(path.join(HELLO, f), 'utf8')]));
        git.createRepo('team/hello-svc', { ...files, 'README.md': '# hello-svc\n' });
        host = new URL(git.url).host;
        warren = await startWarrenServe(['--no-idle-stop', '--workspace-host-ports', new URL(git.url).port]);
        browser = await launchChromium();
        const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
        dashboard = await context.newPage();
        await dashboard.goto(warren.loginUrl);
        other = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-git-other-'));
        await gitAsync('clone', '-q', git.repoUrl('team/hello-svc').replace('://', `://ada:${TOKEN}@`), other);
        for (const [k, v] of [['user.name', 'Grace Hopper'], ['user.email', 'grace@example.com']]) {
            execFileSync('git', ['-C', other, 'config', k, v]);
        }
    });

    after(async () => {
        fs.mkdirSync(path.join(REPO, 'test-results'), { recursive: true });
        await dashboard?.screenshot({ path: path.join(REPO, 'test-results', 'git-repository-dashboard.png') }).catch(() => undefined);
        await page?.screenshot({ path: path.join(REPO, 'test-results', 'git-repository-ide.png') }).catch(() => undefined);
        await browser?.close();
        await warren?.stop();
        await git?.dispose();
        if (other) {
            fs.rmSync(other, { recursive: true, force: true });
        }
    });

    const row = (): Locator => dashboard.locator('[data-workspace="hello-svc"]');
    const files = (): string => warren.files('default', 'hello-svc');
    const item = (name: string): Locator => page.locator('#scm-view .scmItem', { hasText: new RegExp(`^${name.replace(/\./g, '\\.')}`) }).first();
    const inWorkspace = (...args: string[]): string => execFileSync('git', ['-c', 'safe.directory=*', '-C', files(), ...args], { encoding: 'utf8' });

    it('should keep a token added on the dashboard and show the tenant\'s SSH key', async () => {
        await dashboard.locator('#credentials summary').click();
        await dashboard.getByLabel('Git host', { exact: true }).fill(host);
        await dashboard.getByLabel('Account', { exact: false }).fill('ada');
        await dashboard.getByLabel('Token', { exact: true }).fill(TOKEN);
        await dashboard.getByRole('button', { name: 'Add token' }).click();
        await dashboard.locator(`#credential-list [data-host="${host}"]`, { hasText: 'as ada' }).waitFor({ timeout: 30_000 });
        assert.match(await dashboard.locator('#ssh-key').innerText(), /^ssh-ed25519 \S+ warren-default$/);
        assert.equal(await dashboard.getByLabel('Token', { exact: true }).inputValue(), '', 'the form forgets the token');
        assert.doesNotMatch(await dashboard.content(), new RegExp(TOKEN));
    });

    it('should create a workspace from the repository URL, named after it, and show its files in the IDE', async () => {
        await dashboard.getByLabel('Repository').fill(git.repoUrl('team/hello-svc'));
        assert.equal(await dashboard.getByLabel('Name', { exact: true }).inputValue(), 'hello-svc', 'the URL suggests the name');
        await dashboard.getByLabel('Class').selectOption('small');
        await dashboard.getByRole('button', { name: 'Create workspace' }).click();
        await row().getByText(git.repoUrl('team/hello-svc')).waitFor({ timeout: 30_000 });
        await row().locator('[data-phase="running"]').waitFor({ timeout: 120_000 });
        page = await dashboard.context().newPage();
        await page.goto(`${warren.gateway}/open/hello-svc`);
        await page.waitForURL(/^http:\/\/hello-svc--default\.localhost:\d+\/$/, { timeout: 90_000 });
        await page.locator('#theia-app-shell').waitFor({ state: 'visible', timeout: 60_000 });
        ide = new IdePage(browser, page.context(), page);
        await page.locator('#files .theia-TreeNode', { hasText: /^README\.md$/ }).waitFor({ timeout: 60_000 });
        await ide.openFile('main.go', 'package main');
    });

    it('should show an edit in Changes, with a gutter marker', async () => {
        // The user's git identity, as "git config" in the terminal sets it (the plugin's error says so when it is missing).
        inWorkspace('config', 'user.name', 'Ada Lovelace');
        inWorkspace('config', 'user.email', 'ada@example.com');
        const owner = fs.statSync(files());
        fs.chownSync(path.join(files(), '.git', 'config'), owner.uid, owner.gid);
        await ide.addLineAndSave('main.go', 3, '// Edited in Warren.');
        await page.locator('.theia-editor:visible .dirty-diff-glyph').first().waitFor({ timeout: 30_000 });
        await page.locator('#shell-tab-scm-view-container').click();
        await item('main.go').waitFor({ timeout: 30_000 });
    });

    it('should stage, commit and push as the user, with the token from Warren', async () => {
        await ide.runCommand('Git: Stage All Changes');
        await eventually('main.go staged', () => inWorkspace('diff', '--cached', '--name-only').trim() === 'main.go' || undefined, 30_000);
        await page.locator('#theia-scm-input-message').click();
        await page.locator('#theia-scm-input-message').fill('Edit from the browser');
        await page.keyboard.press('Control+Enter');
        await eventually('the commit', () => /Edit from the browser/.test(inWorkspace('log', '-1', '--format=%s')) || undefined, 30_000);
        await ide.runCommand('Git: Push');
        const pushed = await eventually('the commit on the server', () => {
            const log = git.git('team/hello-svc', ['log', '-1', '--format=%an <%ae>|%s', 'main']);
            return log.includes('Edit from the browser') ? log.trim() : undefined;
        }, 60_000);
        assert.equal(pushed, 'Ada Lovelace <ada@example.com>|Edit from the browser');
        assert.ok(git.requests.some(q => q.user === 'ada' && q.path.endsWith('/git-receive-pack') && q.status === 200), 'pushed as ada');
    });

    it('should pull a change someone else pushed', async () => {
        await gitAsync('-C', other, 'pull', '-q');
        fs.writeFileSync(path.join(other, 'README.md'), '# hello-svc\n\nChanged by Grace.\n');
        execFileSync('git', ['-C', other, 'commit', '-q', '-am', 'Grace\'s change']);
        await gitAsync('-C', other, 'push', '-q');
        await ide.runCommand('Git: Pull');
        await eventually('the pulled README.md', () => fs.readFileSync(path.join(files(), 'README.md'), 'utf8').includes('Changed by Grace.') || undefined, 60_000);
    });

    it('should have kept the token out of the workspace\'s files, every environment and ps', () => {
        assert.deepEqual(findLeaks(TOKEN, [path.dirname(files())]), { files: [], environments: [], commandLines: [] });
    });
});
