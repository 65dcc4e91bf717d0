/** One end of gopls that the user did not ask for. */
export interface Crash {
    /** When it happened (ms since the epoch). */
    at: number;
    /** e.g. "exit code 2" or "signal SIGKILL", with the last line gopls wrote on stderr. */
    reason: string;
}

/**
 * How many crashes are tolerated: at most `maxRestarts` within `windowMs`. A crash loop stops there
 * so that the user sees why instead of a server that flaps forever; "Go: Restart Language Server"
 * starts a new window.
 */
export class RestartPolicy {
    readonly crashes: Crash[] = [];

    constructor(readonly maxRestarts: number, readonly windowMs = 3 * 60_000) { }

    /** Records the crash and says whether to start gopls again. */
    onCrash(crash: Crash): boolean {
        this.crashes.push(crash);
        const recent = this.crashes.filter(c => crash.at - c.at < this.windowMs);
        return recent.length <= this.maxRestarts;
    }

    reset(): void {
        this.crashes.length = 0;
    }

    /** "3 crashes: exit code 2 (...); signal SIGKILL" for messages. */
    summary(): string {
        return `${this.crashes.length} crash${this.crashes.length === 1 ? '' : 'es'}: ${this.crashes.map(c => c.reason).join('; ')}`;
    }
}
