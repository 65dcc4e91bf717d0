import { FrontendApplicationContribution } from '@theia/core/lib/browser';
import { inject, injectable } from '@theia/core/shared/inversify';
import { ActivityService } from '../common/activity-protocol';
import { ActivityClientImpl } from './activity-client-impl';

/** What counts as a person using the IDE; pointer moves alone do not. */
const INPUT_EVENTS = ['keydown', 'mousedown', 'wheel', 'touchstart'];

/** At most one report per this many milliseconds: heartbeats are a minute apart by default. */
export const THROTTLE_MS = 5_000;

/**
 * Tells the backend that someone uses this frontend: the first input at once, more input within
 * THROTTLE_MS in one report at the end of that time. After an idle warning the throttle starts
 * over, so that the answer to the warning goes at once.
 */
@injectable()
export class UserInputReporter implements FrontendApplicationContribution {

    @inject(ActivityService) protected readonly service: ActivityService;
    @inject(ActivityClientImpl) protected readonly client: ActivityClientImpl;

    protected lastReportMs = 0;
    protected pending: number | undefined;

    onStart(): void {
        for (const type of INPUT_EVENTS) {
            // Capturing on window sees input before an editor or terminal stops it from bubbling.
            window.addEventListener(type, this.onInput, { capture: true, passive: true });
        }
        this.client.onDidShowWarning(() => this.restartThrottle());
        this.client.onDidKeepWorking(() => this.report());
    }

    protected readonly onInput = (): void => {
        if (this.pending === undefined) {
            this.pending = window.setTimeout(() => this.report(), Math.max(0, this.lastReportMs + THROTTLE_MS - Date.now()));
        }
    };

    protected report(): void {
        window.clearTimeout(this.pending);
        this.pending = undefined;
        this.lastReportMs = Date.now();
        this.service.notifyUserInput();
    }

    protected restartThrottle(): void {
        this.lastReportMs = 0;
        if (this.pending !== undefined) {
            this.report();
        }
    }
}
