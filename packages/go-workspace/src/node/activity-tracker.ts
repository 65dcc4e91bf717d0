import { ILogger } from '@theia/core/lib/common/logger';
import { BackendApplicationContribution } from '@theia/core/lib/node/backend-application';
import { inject, injectable } from '@theia/core/shared/inversify';
import { ActivityService } from '../common/activity-protocol';
import { ActivityConfig } from './activity-config';
import { busyReasons } from './busy-processes';
import { HeartbeatSender } from './heartbeat-sender';
import { readProcessTable } from './process-table';

export const USER_INPUT = 'user input';

/**
 * Sends a heartbeat every WARREN_HEARTBEAT_SECONDS while the workspace is in use: when a frontend
 * reported user input since the last one, or a process below the backend is busy (a command in a
 * terminal, a task, a debug session). After an idle warning, the first user input is sent at once.
 */
@injectable()
export class ActivityTracker implements ActivityService, BackendApplicationContribution {

    @inject(ActivityConfig) protected readonly config: ActivityConfig;
    @inject(HeartbeatSender) protected readonly sender: HeartbeatSender;
    @inject(ILogger) protected readonly logger: ILogger;

    protected userInput = false;
    protected warned = false;
    protected timer: NodeJS.Timeout | undefined;
    protected sending: Promise<void> | undefined;
    protected sendAgain = false;

    onStart(): void {
        if (!this.config.enabled) {
            const message = `Warren idle stop is off: ${this.config.reason}`;
            if (this.config.misconfigured) {
                this.logger.error(message);
            } else {
                this.logger.info(message);
            }
            return;
        }
        this.logger.info(`Warren idle stop: heartbeats for ${this.config.workspace} go to the workspace manager at ${this.config.activityUrl} every ${this.config.heartbeatSeconds} s while in use.`);
        this.timer = setInterval(() => {
            if (!this.sending) {
                void this.beat();
            }
        }, this.config.heartbeatSeconds * 1000);
    }

    /** Stops the loop; resolves when a heartbeat already on its way has been sent. */
    async onStop(): Promise<void> {
        clearInterval(this.timer);
        this.timer = undefined;
        this.sendAgain = false;
        await this.sending;
    }

    notifyUserInput(): void {
        if (!this.config.enabled) {
            return;
        }
        this.userInput = true;
        if (this.warned) {
            this.warned = false;
            void this.beat();
        }
    }

    /** The workspace manager warned the frontends: the next user input is sent at once, not at the next tick. */
    onDidWarnIdle(): void {
        this.warned = true;
    }

    /** One heartbeat if there is anything to report; a second one right after when asked for while one is on its way. */
    protected beat(): Promise<void> {
        if (!this.timer) {
            return Promise.resolve(); // stopped
        }
        if (this.sending) {
            this.sendAgain = true;
            return this.sending;
        }
        this.sending = this.doBeat().finally(() => {
            this.sending = undefined;
            if (this.sendAgain) {
                this.sendAgain = false;
                void this.beat();
            }
        });
        return this.sending;
    }

    protected async doBeat(): Promise<void> {
        const input = this.userInput;
        this.userInput = false;
        const busy = busyReasons(process.pid, await readProcessTable());
        const reasons = input ? [USER_INPUT, ...busy] : busy;
        if (reasons.length && !await this.sender.send(reasons) && input) {
            this.userInput = true; // the workspace manager did not hear of it: try again with the next tick
        }
    }
}
