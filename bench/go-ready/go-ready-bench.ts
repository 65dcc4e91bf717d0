/**
 * bench/go-ready: a new workspace of a module with dependencies (test/fixtures/deps: cobra, go-cmp), as a developer
 * meets it, in chromium through `warren serve` (doc/go-build-cache.md):
 *   goReadyMs:     create in the dashboard → IDE shell visible → the first hover answered (gopls);
 *   firstGoTestMs: the first `go test -count=1 ./...` in the workspace's terminal (bash's `time`);
 *   warmGoTestMs:  the same command again in the same workspace (everything built once).
 * Two modes in one run, each its own `warren serve` on a data folder of its own:
 *   shared: the tenant's shared build cache, warmed by a first workspace of the tenant that ran the same go test and
 *           was stopped (a stop publishes its cache);
 *   own:    --no-shared-go-cache, the baseline: the same steps, each workspace building on its own.
 * BENCH_RUNS (default 3) measured workspaces per mode, after the warm-up one. Module downloads (each workspace has
 * its own module cache) are in both modes' first go test.
 */
import * as fs from 'fs';
import { Locator } from 'playwright-core';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { DashboardPage, eventually, IdePage, launchChromium, startWarrenServe, WarrenServe } from '@warren/testing';
import { runMain } from '../support/bench-main';
import { Cleanup, gitCommit, logger, machine, positiveInt, publish, REPO } from '../support/harness';
import { ratio, round, summarize, Summary } from '../support/stats';

const log = logger('go-ready');
const RUNS = positiveInt('BENCH_RUNS', 3, 1);
const FIXTURE = path.join(REPO, 'test', 'fixtures', 'deps');
const TIME_FILE = '.warren-bench-go-test-seconds';

interface Sample {
    goReadyMs: number;
    firstGoTestMs: number;
    warmGoTestMs: number;
}

/** Runs `go test -count=1 ./...` in the terminal, timed by bash into a file of the workspace; its wall time in ms. */
async function goTestInTerminal(ide: IdePage, terminal: Locator, serve: WarrenServe, id: string): Promise<number> {
    const file = path.join(serve.files('default', id), TIME_FILE);
    fs.rmSync(file, { force: true });
    await ide.page.keyboard.type(`TIMEFORMAT=%R; { time go test -count=1 ./... ; } 2> ${TIME_FILE}`);
    await ide.page.keyboard.press('Enter');
    const seconds = await eventually(`go test in ${id}'s terminal`, async () => {
        const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n') : [];
        const last = lines.at(-1) ?? '';
        if (/^\d+(\.\d+)?$/.test(last)) {
            if (lines.length > 1) {
                throw new Error(`go test wrote to stderr: ${lines.slice(0, -1).join('\n')}`);
            }
            return Number(last);
        }
        return undefined;
    }, 300_000, 200).catch(async (err: Error) => {
        // What the terminal showed says whether the command ran, hung or never reached the shell.
        const shown = await ide.terminalText(terminal).catch(e => `(unreadable: ${e})`);
        await ide.page.screenshot({ path: path.join(REPO, 'test-results', `go-ready-${id}.png`) }).catch(() => undefined);
        throw new Error(`${err.message}\nthe terminal showed:\n${shown.slice(-2000)}`);
    });
    return round(seconds * 1000);
}

/** One new workspace: create → shell → hover (Go-ready), then go test twice in its terminal; stopped afterwards. */
async function newWorkspace(dashboard: DashboardPage, serve: WarrenServe, id: string): Promise<Sample> {
    const t0 = performance.now();
    await dashboard.create(id, 'small');
    await dashboard.waitForPhase(id, 'running', 300_000);
    const ide = await dashboard.openIde(id);
    await ide.openFile('main.go', 'package main');
    await ide.hoverText('func Greeting', 'Greeting', 'Greeting returns the greeting for name.', 180_000);
    const goReadyMs = round(performance.now() - t0);
    await ide.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(ide.page.url()).origin });
    const terminal = await ide.newTerminal();
    // Keys typed before the shell reads its terminal are lost: wait for its prompt.
    await eventually(`the shell's prompt in ${id}'s terminal`, async () => /\$\s*$/.test((await ide.terminalText(terminal)).trimEnd() + ' ') || undefined, 60_000, 500);
    const firstGoTestMs = await goTestInTerminal(ide, terminal, serve, id);
    const warmGoTestMs = await goTestInTerminal(ide, terminal, serve, id);
    await ide.page.close();
    await dashboard.page.bringToFront();
    await dashboard.row(id).getByRole('button', { name: 'Stop', exact: true }).click();
    await dashboard.waitForPhase(id, 'stopped');
    const sample = { goReadyMs, firstGoTestMs, warmGoTestMs };
    log(`${id}: ${JSON.stringify(sample)}`);
    return sample;
}

async function mode(name: 'shared' | 'own'): Promise<{ warmUp: Sample; samples: Sample[] }> {
    log(`mode ${name}: warren serve${name === 'own' ? ' --no-shared-go-cache' : ''}`);
    const cleanup = new Cleanup(log);
    const serve = await startWarrenServe(['--no-idle-stop', '--template', FIXTURE, ...(name === 'own' ? ['--no-shared-go-cache'] : [])]);
    cleanup.add('warren serve and its IDEs', () => serve.stop());
    const browser = await launchChromium();
    cleanup.add('chromium', () => browser.close());
    try {
        const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
        const dashboard = new DashboardPage(browser, await context.newPage(), serve.gateway);
        await dashboard.signIn(serve.loginUrl);
        const warmUp = await newWorkspace(dashboard, serve, `${name}-warmup`);
        const samples: Sample[] = [];
        for (let run = 0; run < RUNS; run++) {
            samples.push(await newWorkspace(dashboard, serve, `${name}-${run}`));
        }
        return { warmUp, samples };
    } finally {
        await cleanup.runAll();
    }
}

function summary(samples: Sample[]): Record<keyof Sample, Summary | null> {
    return {
        goReadyMs: summarize(samples.map(s => s.goReadyMs)),
        firstGoTestMs: summarize(samples.map(s => s.firstGoTestMs)),
        warmGoTestMs: summarize(samples.map(s => s.warmGoTestMs))
    };
}

runMain(log, async () => {
    const date = new Date().toISOString();
    const shared = await mode('shared');
    const own = await mode('own');
    const s = summary(shared.samples);
    const o = summary(own.samples);
    publish('go-ready', date, {
        bench: 'go-ready', date, commit: gitCommit(), machine: machine(), runs: RUNS, fixture: 'test/fixtures/deps',
        shared: { ...s, warmUp: shared.warmUp, firstOverWarm: ratio(s.firstGoTestMs, s.warmGoTestMs) },
        ownCacheBaseline: { ...o, warmUp: own.warmUp, firstOverWarm: ratio(o.firstGoTestMs, o.warmGoTestMs) },
        sharedOverOwnFirstGoTest: ratio(s.firstGoTestMs, o.firstGoTestMs),
        targets: { goReadyP50Ms: 6000, firstOverWarm: 1.5 }
    }, log);
    return 0;
});
