import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { phaseFromProto, WorkspaceClient } from '@warren/workspace-api';
import { findIdeProcesses } from '@warren/workspace-manager';
import { eventually, startWarrenServe, WarrenServe } from '@warren/testing';

const ROUNDS = Number(process.env.WARREN_CRASH_ROUNDS ?? 20);
const IDS = ['a', 'b', 'c'];
const MARK = 'written before the crash\n';

/**
 * `kill -9` of `warren serve` at random points of create, start, stop and delete, then a restart on
 * the same data folder. Afterwards: exactly one IDE per running workspace, none for a stopped or
 * deleted one, and every file intact. The random seed is printed so that a failure can be replayed.
 */
describe('the control plane killed with SIGKILL in the middle of lifecycle operations', () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'warren-crash-')), 'data');
    const seed = Number(process.env.WARREN_CRASH_SEED ?? Date.now() % 100_000);
    let state = seed;
    const random = (): number => {
        state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
        return state / 2 ** 31;
    };
    let warren: WarrenServe | undefined;
    let client: WorkspaceClient | undefined;
    const start = async (): Promise<WorkspaceClient> => {
        warren = await startWarrenServe(['--no-idle-stop'], { dataDir });
        client = new WorkspaceClient(warren.grpcAddress, fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim());
        return client;
    };

    after(async () => {
        client?.close();
        await warren?.stop();
        fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
    });

    it(`should leave one IDE per running workspace and every file intact, over ${ROUNDS} crashes`, { timeout: 40 * 60_000 }, async () => {
        console.log(`seed ${seed} (WARREN_CRASH_SEED=${seed} replays it)`);
        let api = await start();
        for (let round = 0; round < ROUNDS; round++) {
            const id = IDS[Math.floor(random() * IDS.length)];
            const existing = (await api.listWorkspaces('default')).find(w => w.id === id);
            const op = !existing ? 'create' : (['start', 'stop', 'delete'] as const)[Math.floor(random() * 3)];
            const folder = path.join(dataDir, 'tenants', 'default', 'workspaces', id, 'files');
            if (op === 'create') {
                await api.createWorkspace({ id, className: 'small', tenant: 'default' });
            } else if (op === 'start') {
                await api.startWorkspace({ id, tenant: 'default' });
            } else if (op === 'stop') {
                await api.stopWorkspace({ id, tenant: 'default' });
            } else {
                await api.deleteWorkspace({ id, tenant: 'default' });
            }
            // The crash: anywhere from at once to well into the IDE's start.
            await new Promise(resolve => setTimeout(resolve, Math.floor(random() * 2_500)));
            api.close();
            await warren!.kill();
            api = await start();
            // Converged: every workspace where its intent says, then the processes checked against it.
            const settled = await eventually(`round ${round} (${op} ${id}) to settle`, async () => {
                const list = await api.listWorkspaces('default');
                const done = list.every(w => {
                    const phase = phaseFromProto(w.status?.phase);
                    return w.desiredState === 'DESIRED_STATE_STOPPED' ? phase === 'stopped' : phase === 'running';
                });
                return done ? list : undefined;
            }, 120_000);
            await new Promise(resolve => setTimeout(resolve, 500));
            const ides = findIdeProcesses(dataDir);
            for (const w of settled) {
                const want = w.desiredState === 'DESIRED_STATE_RUNNING' ? 1 : 0;
                assert.equal(ides.get(`default/${w.id}`)?.length ?? 0, want, `round ${round} (${op} ${w.id}): ${want} IDE(s) for ${w.id}, seed ${seed}`);
                const mark = path.join(dataDir, 'tenants', 'default', 'workspaces', w.id, 'files', 'mark.txt');
                if (fs.existsSync(path.dirname(mark))) {
                    if (!fs.existsSync(mark)) {
                        fs.writeFileSync(mark, MARK);
                    }
                    assert.equal(fs.readFileSync(mark, 'utf8'), MARK, `round ${round}: ${w.id}'s files intact`);
                    assert.ok(fs.existsSync(path.join(path.dirname(mark), 'main.go')), `round ${round}: ${w.id}'s template copy is whole`);
                }
            }
            for (const key of ides.keys()) {
                assert.ok(settled.some(w => `default/${w.id}` === key), `round ${round}: an IDE for ${key}, which has no workspace`);
            }
            if (op === 'delete' && !settled.some(w => w.id === id)) {
                assert.equal(fs.existsSync(folder), false, `round ${round}: ${id}'s files went with it`);
            }
        }
    });
});
