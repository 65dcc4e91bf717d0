import { ILogger } from '@theia/core/lib/common/logger';
import { inject, injectable } from '@theia/core/shared/inversify';
import { HEARTBEAT_PATH, HeartbeatRequest } from '@warren/workspace-api/lib/ide-contract';
import { ActivityConfig } from './activity-config';

const TIMEOUT_MS = 10_000;

/** Posts heartbeats to the workspace manager (`${WARREN_ACTIVITY_URL}${HEARTBEAT_PATH}`). Never throws: a failure streak is logged once, and its end too. */
@injectable()
export class HeartbeatSender {

    @inject(ActivityConfig) protected readonly config: ActivityConfig;
    @inject(ILogger) protected readonly logger: ILogger;

    protected failing = false;

    /** Sends one heartbeat with its reasons; true when the workspace manager took it. */
    async send(reasons: string[]): Promise<boolean> {
        if (!this.config.enabled) {
            return false;
        }
        const url = this.config.activityUrl + HEARTBEAT_PATH;
        const request: HeartbeatRequest = { reasons };
        let problem: string | undefined;
        try {
            const res = await fetch(url, {
                method: 'POST',
                headers: { 'Authorization': `Bearer ${this.config.token}`, 'Content-Type': 'application/json' },
                body: JSON.stringify(request),
                signal: AbortSignal.timeout(TIMEOUT_MS)
            });
            if (!res.ok) {
                problem = `the workspace manager answered ${res.status} ${res.statusText}: ${(await res.text().catch(() => '')).slice(0, 200)}`;
            }
        } catch (err) {
            const cause = (err as { cause?: Error }).cause;
            problem = cause ? `${(err as Error).message}: ${cause.message}` : String((err as Error).message ?? err);
        }
        if (problem && !this.failing) {
            this.failing = true;
            this.logger.error(`Warren idle stop: a heartbeat for ${this.config.workspace} to ${url} failed (${problem}); ` +
                'the workspace may stop while in use. Retrying every tick; the next failures are not logged.');
        } else if (!problem && this.failing) {
            this.failing = false;
            this.logger.info(`Warren idle stop: heartbeats reach ${url} again.`);
        }
        return !problem;
    }
}
