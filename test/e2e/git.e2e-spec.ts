import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Locator, Page } from 'playwright-core';
import { eventually, IdePage, startTestIde, TestIde } from '@warren/testing';

/**
 * git as the test runs it: no global or system configuration of this machine, and no optional locks, so that
 * the test's polling `git status` never holds index.lock when the plugin's git needs it (a discard failed so).
 */
function git(cwd: string, ...args: string[]): string {
    return execFileSync('git', args, {
        cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, GIT_CONFIG_GLOBAL: os.devNull, GIT_CONFIG_NOSYSTEM: '1', GIT_OPTIONAL_LOCKS: '0' }
    });
}

/** Writes a file in a clone and commits it there. */
function commitFile(cwd: string, file: string, text: string, message: string): void {
    fs.writeFileSync(path.join(cwd, file), text);
    git(cwd, 'add', file);
    git(cwd, 'commit', '-q', '-m', message);
}

/** The lines a diff adds, without their "+". */
function addedLines(diff: string): string[] {
    return diff.split('\n').filter(l => l.startsWith('+') && !l.startsWith('+++')).map(l => l.slice(1));
}

/**
 * Source control in the IDE (plugins/git): a workspace cloned from a bare repository, changes shown in the
 * Source Control view and the editor's gutter, a commit pushed to the bare repository as the user's identity,
 * a pull bringing another clone's change, a rejected push explained, a conflict resolved; then selected
 * lines staged and reverted, a discard, an amend, a new branch published, a checkout, and a sync.
 */
describe('Source control in the IDE', () => {
    let ide: TestIde;
    let ui: IdePage;
    let page: Page;
    let tmp: string;
    let bare: string;
    let other: string;

    before(async () => {
        ide = await startTestIde();
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-git-e2e-'));
        // The bare repository, seeded with the example's Go module.
        const seed = path.join(tmp, 'seed');
        fs.cpSync(ide.workspace, seed, { recursive: true });
        git(seed, 'init', '-q', '-b', 'main');
        git(seed, 'add', '-A');
        git(seed, '-c', 'user.name=Seed', '-c', 'user.email=seed@example.com', 'commit', '-q', '-m', 'A Go module');
        bare = path.join(tmp, 'origin.git');
        git(tmp, 'init', '-q', '--bare', '-b', 'main', bare);
        git(seed, 'push', '-q', bare, 'main');
        // The IDE's workspace becomes a clone of it, with the user's identity in its config.
        for (const entry of fs.readdirSync(ide.workspace)) {
            fs.rmSync(path.join(ide.workspace, entry), { recursive: true, force: true });
        }
        git(tmp, 'clone', '-q', bare, ide.workspace);
        git(ide.workspace, 'config', 'user.name', 'Ada Lovelace');
        git(ide.workspace, 'config', 'user.email', 'ada@example.com');
        // What plugins/go does for a generated go.work: it never shows as a change.
        fs.appendFileSync(path.join(ide.workspace, '.git', 'info', 'exclude'), '/go.work\n/go.work.sum\n');
        const goLine = /^go .*$/m.exec(fs.readFileSync(path.join(ide.workspace, 'go.mod'), 'utf8'))?.[0] ?? 'go 1.22';
        fs.writeFileSync(path.join(ide.workspace, 'go.work'), `${goLine}\n\nuse .\n`);
        other = path.join(tmp, 'other');
        git(tmp, 'clone', '-q', bare, other);
        git(other, 'config', 'user.name', 'Grace Hopper');
        git(other, 'config', 'user.email', 'grace@example.com');
        ui = await IdePage.open(ide);
        page = ui.page;
    });

    after(async () => {
        await ui?.close('git-e2e');
        await ide?.dispose();
        if (tmp) {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    const scm = (): Locator => page.locator('#scm-view');
    const item = (name: string): Locator => page.locator('#scm-view .scmItem', { hasText: new RegExp(`^${name.replace(/\./g, '\\.')}`) }).first();
    const header = (title: string): Locator => page.locator('#scm-view .scm-theia-header', { hasText: new RegExp(`^${title}`) }).first();
    const notification = (text: string | RegExp): Locator => page.locator('.theia-notification-message', { hasText: text }).first();
    /** A failure with every notification shown and the repository's state, to say what went on. */
    const explained = async (err: Error): Promise<never> => {
        const shown = await page.locator('.theia-notification-message').allInnerTexts().catch(() => []);
        throw new Error(`${err.message}\nnotifications: ${JSON.stringify(shown)}\ngit status:\n${git(ide.workspace, 'status', '-b', '--porcelain=v2')}`
            + `\ngit log:\n${git(ide.workspace, 'log', '--oneline', '--graph', '-6', '--all')}`);
    };
    const expectNotification = (text: string | RegExp, timeout = 60_000): Promise<void> => notification(text).waitFor({ timeout }).catch(explained);
    const openScm = async (): Promise<void> => {
        await eventually('the Source Control view', async () => {
            if (!await scm().isVisible()) {
                await page.locator('#shell-tab-scm-view-container').click();
            }
            return scm().waitFor({ timeout: 3_000 }).then(() => true, () => undefined);
        }, 30_000);
    };
    const commitBox = (): Locator => page.locator('#theia-scm-input-message');
    const statusBar = (text: RegExp): Locator => page.locator('#theia-statusBar .element', { hasText: text }).first();

    it('should show the branch in the status bar', async () => {
        await statusBar(/^\s*main\s*$/).waitFor({ timeout: 60_000 });
    });

    it('should show an edited main.go in Changes, with a gutter marker in the editor, and not go.work', async () => {
        await ui.openFile('main.go', 'Greeting');
        await ui.addLineAndSave('main.go', 16, '// Edited in the IDE.');
        await page.locator('.theia-editor:visible .dirty-diff-glyph').first().waitFor({ timeout: 30_000 });
        await openScm();
        await header('Changes').waitFor({ timeout: 30_000 });
        await item('main.go').waitFor({ timeout: 30_000 });
        // The letter comes from the plugin's file decorations, a moment after the item.
        await item('main.go').locator('.status', { hasText: /^M$/ }).waitFor({ timeout: 30_000 });
        assert.equal(await page.locator('#scm-view .scmItem', { hasText: 'go.work' }).count(), 0, 'go.work is excluded');
    });

    it('should stage, commit as the user and push to the bare repository', async () => {
        await item('main.go').hover();
        await item('main.go').locator('a[title="Stage Changes"]').click();
        await header('Staged Changes').waitFor({ timeout: 30_000 });
        await eventually('main.go staged', () => git(ide.workspace, 'diff', '--cached', '--name-only').trim() === 'main.go' || undefined);
        await commitBox().click();
        await commitBox().fill('Say where the edit came from');
        await page.keyboard.press('Control+Enter');
        await eventually('the commit', () => /Say where the edit came from/.test(git(ide.workspace, 'log', '-1', '--format=%s')) || undefined, 30_000);
        await statusBar(/^\s*↑1\s*$/).waitFor({ timeout: 30_000 });
        await ui.runCommand('Git: Push');
        const pushed = await eventually('the commit in the bare repository', () => {
            const log = git(bare, 'log', '-1', '--format=%an <%ae>|%s');
            return log.includes('Say where the edit came from') ? log : undefined;
        }, 60_000);
        assert.equal(pushed.trim(), 'Ada Lovelace <ada@example.com>|Say where the edit came from');
    });

    it('should pull a change another clone pushed, into the workspace', async () => {
        git(other, 'pull', '-q');
        fs.writeFileSync(path.join(other, 'README.md'), 'Changed by another clone.\n');
        git(other, 'commit', '-q', '-am', 'Another clone\'s change');
        git(other, 'push', '-q');
        await ui.runCommand('Git: Pull');
        await eventually('the pulled README.md', () => fs.readFileSync(path.join(ide.workspace, 'README.md'), 'utf8') === 'Changed by another clone.\n' || undefined, 60_000);
    });

    it('should say why a push was rejected when the remote has commits the workspace does not have', async () => {
        fs.appendFileSync(path.join(other, 'README.md'), 'Again.\n');
        git(other, 'commit', '-q', '-am', 'Another change');
        git(other, 'push', '-q');
        commitFile(ide.workspace, 'local.txt', 'a local commit\n', 'A local commit');
        await ui.runCommand('Git: Fetch');
        await ui.runCommand('Git: Push');
        await expectNotification('Push rejected: the remote has commits you do not have. Pull first, then push.');
        assert.doesNotMatch(git(bare, 'log', '--format=%s'), /A local commit/);
    });

    it('should stop a pull with conflicts, offer to accept a side above the block, and stage the resolved file', async () => {
        const firstLine = (file: string, line: string): void => {
            const text = fs.readFileSync(file, 'utf8').split('\n');
            fs.writeFileSync(file, [line, ...text.slice(1)].join('\n'));
        };
        firstLine(path.join(other, 'main.go'), '// Command hello: theirs.');
        git(other, 'commit', '-q', '-am', 'Theirs');
        git(other, 'push', '-q');
        firstLine(path.join(ide.workspace, 'main.go'), '// Command hello: mine.');
        git(ide.workspace, 'commit', '-q', '-am', 'Mine');
        await ui.runCommand('Git: Pull');
        await expectNotification('Pull stopped with conflicts in 1 file: resolve them in Merge Changes, then commit.');
        await openScm();
        await header('Merge Changes').waitFor({ timeout: 30_000 });
        // Its tab is open since the first edit (the explorer's node now carries a problem count and a letter).
        await page.locator('#theia-main-content-panel .lm-TabBar-tab', { hasText: 'main.go' }).first().click();
        // Away from the tab, whose hover would cover the lenses.
        await page.mouse.move(700, 700);
        await page.locator('.theia-editor:visible .view-line', { hasText: '<<<<<<<' }).first().waitFor({ timeout: 30_000 });
        await page.locator('.theia-editor:visible .codelens-decoration a', { hasText: 'Accept Incoming Change' }).first().click({ timeout: 30_000 });
        await page.locator('.theia-editor:visible .view-line', { hasText: '<<<<<<<' }).waitFor({ state: 'detached', timeout: 10_000 });
        await page.keyboard.press('Control+S');
        await eventually('main.go resolved on disk', () => {
            const text = fs.readFileSync(path.join(ide.workspace, 'main.go'), 'utf8');
            return text.startsWith('// Command hello: theirs.\n') && !text.includes('<<<<<<<') || undefined;
        }, 30_000);
        await openScm();
        await item('main.go').hover();
        await item('main.go').locator('a[title="Stage Changes"]').click();
        await eventually('main.go no longer conflicted', () => !/^u /m.test(git(ide.workspace, 'status', '--porcelain=v2')) || undefined, 30_000);
    });
    it('should stage and unstage selected lines of an edit, revert another selected line, and discard a file after confirming', async () => {
        // A clean start: the merge of the test before, committed.
        git(ide.workspace, 'commit', '-q', '--no-edit');
        commitFile(ide.workspace, 'notes.txt', 'one\ntwo\nthree\nfour\n', 'Notes');
        await ui.openFile('notes.txt', 'three');
        await ui.addLineAndSave('notes.txt', 1, 'first added');
        await ui.addLineAndSave('notes.txt', 4, 'second added');
        await ui.addLineAndSave('notes.txt', 6, 'third added');
        // The cursor on a line selects it for the range commands, as in VS Code.
        await ui.cursorAtEndOfLine('notes.txt', 2);
        await ui.runCommand('Git: Stage Selected Ranges');
        await eventually('the first line staged alone', () =>
            addedLines(git(ide.workspace, 'diff', '--cached', '--', 'notes.txt')).join('|') === 'first added' || undefined, 30_000);
        assert.deepEqual(addedLines(git(ide.workspace, 'diff', '--', 'notes.txt')), ['second added', 'third added']);
        // The third line staged too, then unstaged from the editor, whose lines are the working tree's: the
        // unstaged second line above it makes the editor's line 7 the index's line 6.
        const staged = (): string => addedLines(git(ide.workspace, 'diff', '--cached', '--', 'notes.txt')).join('|');
        await ui.cursorAtEndOfLine('notes.txt', 7);
        await ui.runCommand('Git: Stage Selected Ranges');
        await eventually('the third line staged too', () => staged() === 'first added|third added' || undefined, 30_000);
        await ui.runCommand('Git: Unstage Selected Ranges');
        await eventually('the third line unstaged', () => staged() === 'first added' || undefined, 30_000);
        await ui.cursorAtEndOfLine('notes.txt', 5);
        await ui.runCommand('Git: Revert Selected Ranges');
        await eventually('the second line reverted on disk', () => !fs.readFileSync(path.join(ide.workspace, 'notes.txt'), 'utf8').includes('second added') || undefined, 30_000);
        assert.deepEqual(addedLines(git(ide.workspace, 'diff', '--', 'notes.txt')), ['third added']);
        assert.deepEqual(addedLines(git(ide.workspace, 'diff', '--cached', '--', 'notes.txt')), ['first added']);
        // Discard of a whole file, from its item in Changes, after a modal question.
        fs.appendFileSync(path.join(ide.workspace, 'README.md'), 'A change to throw away.\n');
        await openScm();
        await item('README.md').waitFor({ timeout: 30_000 });
        await item('README.md').hover();
        await item('README.md').locator('a[title="Discard Changes"]').click();
        const dialog = page.locator('.dialogBlock', { hasText: 'Discard the changes in README.md?' });
        await dialog.waitFor({ timeout: 30_000 });
        await dialog.locator('button', { hasText: /^Discard$/ }).click();
        await eventually('README.md discarded', () => git(ide.workspace, 'status', '--porcelain', '--', 'README.md').trim() === '' || undefined, 30_000);
    });

    it('should commit the staged line and amend the commit\'s message', async () => {
        const commits = Number(git(ide.workspace, 'rev-list', '--count', 'HEAD'));
        await openScm();
        await commitBox().click();
        await commitBox().fill('Add a line');
        await page.keyboard.press('Control+Enter');
        await eventually('the commit', () => git(ide.workspace, 'log', '-1', '--format=%s').trim() === 'Add a line' || undefined, 30_000);
        await ui.runCommand('Git: Commit (Amend)');
        // The last message, offered to change.
        const input = page.locator('.quick-input-widget input');
        await eventually('the last message in the amend box', async () => await input.inputValue() === 'Add a line' || undefined, 30_000);
        await input.fill('Add a first line to the notes');
        await input.press('Enter');
        await eventually('the amended message', () => git(ide.workspace, 'log', '-1', '--format=%s').trim() === 'Add a first line to the notes' || undefined, 30_000);
        assert.equal(Number(git(ide.workspace, 'rev-list', '--count', 'HEAD')), commits + 1, 'amended, not a second commit');
        assert.deepEqual(addedLines(git(ide.workspace, 'show', 'HEAD', '--', 'notes.txt')), ['first added']);
    });

    it('should create a branch, push it with an upstream when asked, and check out main again', async () => {
        await ui.runCommand('Git: Create Branch...');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ timeout: 30_000 });
        await input.fill('feature/notes');
        await input.press('Enter');
        await eventually('the new branch checked out', () => git(ide.workspace, 'branch', '--show-current').trim() === 'feature/notes' || undefined, 30_000);
        await statusBar(/^\s*feature\/notes\s*$/).waitFor({ timeout: 30_000 });
        await ui.runCommand('Git: Push');
        await expectNotification(/The branch feature\/notes has no upstream branch/, 30_000);
        // The toast's button (the notification centre holds a hidden copy of it).
        await page.locator('.theia-notification-list-item:visible', { hasText: 'has no upstream branch' }).locator('.theia-notification-buttons button', { hasText: /^Push$/ }).first().click();
        await eventually('feature/notes in the bare repository', () =>
            git(bare, 'for-each-ref', '--format=%(objectname)', 'refs/heads/feature/notes').trim() === git(ide.workspace, 'rev-parse', 'HEAD').trim() || undefined, 60_000);
        assert.equal(git(ide.workspace, 'rev-parse', '--abbrev-ref', '@{upstream}').trim(), 'origin/feature/notes');
        await ui.runCommand('Git: Checkout to...');
        await input.fill('main');
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'tracks origin/main' }).first().click();
        await eventually('main checked out', () => git(ide.workspace, 'branch', '--show-current').trim() === 'main' || undefined, 30_000);
        await statusBar(/^\s*main\s*$/).waitFor({ timeout: 30_000 });
    });

    it('should sync from the status bar: pull what the remote has, then push what the workspace has', async () => {
        git(ide.workspace, 'push', '-q', 'origin', 'main');
        git(other, 'pull', '-q');
        commitFile(other, 'theirs.txt', 'from the other clone\n', 'Theirs again');
        git(other, 'push', '-q');
        commitFile(ide.workspace, 'mine.txt', 'from the workspace\n', 'Mine again');
        await ui.runCommand('Git: Fetch');
        const sync = statusBar(/^\s*↓1 ↑1\s*$/);
        await sync.waitFor({ timeout: 60_000 });
        await sync.click();
        // Pulled (a merge, as git pull makes it), then pushed: the remote's main is the workspace's HEAD.
        await eventually('the workspace and the remote at one commit', () =>
            git(bare, 'rev-parse', 'main').trim() === git(ide.workspace, 'rev-parse', 'HEAD').trim() || undefined, 60_000).catch(explained);
        assert.ok(fs.existsSync(path.join(ide.workspace, 'theirs.txt')), 'the other clone\'s file came in');
        assert.match(git(bare, 'log', '--format=%s', 'main'), /Mine again/);
    });
});
