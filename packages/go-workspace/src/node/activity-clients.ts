import { RpcProxy } from '@theia/core/lib/common/messaging/proxy-factory';
import { injectable } from '@theia/core/shared/inversify';
import { ActivityClient, IdleWarning, SaveForStopResult } from '../common/activity-protocol';
import { unsavedEditor } from '../common/idle-messages';

export interface StopPreparation {
    /** How many frontends were asked to save. */
    clients: number;
    /** Dirty documents saved, over all frontends. */
    saved: number;
    /**
     * What could not be saved, one entry per editor that names it and why (`Untitled-1 (never saved: give it a name)`),
     * or per browser tab that did not answer; empty when everything was saved. Each reads after "could not save ".
     */
    unsaved: string[];
}

/** The connected frontends (browser tabs), each as the proxy the backend calls it through. */
@injectable()
export class ActivityClients {

    protected readonly clients = new Set<RpcProxy<ActivityClient>>();
    /** How long a frontend may take to save before the stop is refused (a save may hang on a dialog). */
    saveTimeoutMs = 20_000;

    add(client: RpcProxy<ActivityClient>): void {
        this.clients.add(client);
        client.onDidCloseConnection(() => this.clients.delete(client));
    }

    /** Shows the idle warning in every frontend; answers how many were told. */
    warnIdle(warning: IdleWarning): number {
        this.clients.forEach(c => c.onDidWarnIdle(warning));
        return this.clients.size;
    }

    /** Asks every frontend to save its dirty editors, each within saveTimeoutMs, and gathers what is still unsaved. */
    async saveAll(): Promise<StopPreparation> {
        const timeoutMs = this.saveTimeoutMs;
        const clients = [...this.clients];
        const results = await Promise.all(clients.map(async (client, i) => {
            const which = clients.length > 1 ? `browser tab ${i + 1} of ${clients.length}` : 'the browser tab';
            let timer: NodeJS.Timeout | undefined;
            const timeout = new Promise<SaveForStopResult>(resolve => {
                timer = setTimeout(() => resolve({
                    saved: 0,
                    unsaved: [unsavedEditor(`any unsaved editors in ${which}`, `saving took over ${timeoutMs / 1000} s: answer any dialog there, or save them yourself`)]
                }), timeoutMs);
            });
            try {
                return await Promise.race([client.saveForStop(), timeout]);
            } catch (err) {
                const message = err instanceof Error ? err.message : String(err);
                return { saved: 0, unsaved: [unsavedEditor(`any unsaved editors in ${which}`, `asking it to save failed: ${message}`)] };
            } finally {
                clearTimeout(timer);
            }
        }));
        return {
            clients: clients.length,
            saved: results.reduce((sum, r) => sum + r.saved, 0),
            unsaved: results.flatMap(r => r.unsaved)
        };
    }

    /** Tells every frontend that the workspace is stopping now. */
    announceStop(): void {
        this.clients.forEach(c => c.onDidPrepareStop());
    }
}
