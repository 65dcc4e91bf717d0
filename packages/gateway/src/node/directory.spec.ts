import * as assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ManagerDirectory, WorkspaceView } from './directory';

/** Feeds changes in the orders the manager's stream and answers can arrive in; no call reaches a manager. */
class Fed extends ManagerDirectory {
    feed(view: WorkspaceView, deleted = false): void {
        this.apply(view, deleted);
    }
}

const view = (version: number, createdAt = '2026-01-01T00:00:00Z', phase: WorkspaceView['phase'] = 'running'): WorkspaceView => ({
    tenant: 't', id: 'w', name: 'w', className: 'small', desiredState: 'running', phase, version, failureReason: '', conditions: [], idleStopsAt: '', progress: '', source: '',
    createdAt, updatedAt: createdAt, ideUrl: ''
});

describe('ManagerDirectory cache', () => {
    const directory = new Fed('127.0.0.1:1', 'unused', () => undefined);
    const seen: Array<[number, boolean]> = [];
    directory.onChange((ws, deleted) => seen.push([ws.version, deleted]));

    it('should keep the newest version of a workspace', () => {
        directory.feed(view(3));
        directory.feed(view(2));
        assert.equal(directory.get('t', 'w')?.version, 3);
    });

    it('should not bring a deleted workspace back when an older answer arrives after its deletion', () => {
        directory.feed(view(5, undefined, 'deleting'), true);
        directory.feed(view(4, undefined, 'failed'));
        assert.equal(directory.get('t', 'w'), undefined);
        assert.deepEqual(directory.list('t'), []);
        assert.deepEqual(seen.at(-1), [5, true], 'nobody was told it came back');
    });

    it('should take a new workspace with the same id', () => {
        directory.feed(view(1, '2026-02-01T00:00:00Z', 'pending'));
        assert.equal(directory.get('t', 'w')?.phase, 'pending');
    });
    after(() => directory.close());
});
