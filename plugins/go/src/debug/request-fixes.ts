import { DapMessage } from './dap-codec';

/**
 * Mends requests that the IDE words in a way dlv refuses.
 *
 * Theia 1.74 expands a variable whose named and indexed counts are unknown (every scope dlv returns,
 * such as "Locals") with `filter: "indexed"` and no count, meaning "all children"; dlv reads the
 * filter literally and answers "Unable to lookup variable ... not an array, slice". VS Code sends no
 * filter in that case, which is what dlv expects: drop it.
 */
export function mendRequest(message: DapMessage): DapMessage {
    if (message.type === 'request' && message.command === 'variables') {
        const args = message.arguments ?? {};
        if (args.filter === 'indexed' && args.count === undefined) {
            const { filter, start, count, ...rest } = args;
            return { ...message, arguments: rest };
        }
    }
    return message;
}

/**
 * Mends dlv's answers that the IDE would show without their reason.
 *
 * dlv answers a failed request (a launch of a package with no main, a program that does not build) with
 * the message "Failed to launch" and its reason in body.error, marked showUser; Theia 1.74 shows only the
 * message. The reason joins the message, so the notification says it, and goes to the Debug Console too.
 */
export function mendResponse(message: DapMessage): DapMessage[] {
    const error = message.type === 'response' && message.success === false ? message.body?.error : undefined;
    if (!error?.showUser || typeof error.format !== 'string') {
        return [message];
    }
    const reason = formatDapMessage(error.format, error.variables);
    const text = message.message && !reason.startsWith(message.message) ? `${message.message}: ${reason}` : reason;
    return [debugConsoleError(text), { ...message, message: text }];
}

/** An output event that puts an error line in the Debug Console. */
export function debugConsoleError(text: string): DapMessage {
    return { seq: 0, type: 'event', event: 'output', body: { category: 'stderr', output: `${text}\n` } };
}

/** DAP's message format: {name} stands for variables[name]. */
function formatDapMessage(format: string, variables: Record<string, unknown> = {}): string {
    return format.replace(/\{(\w+)\}/g, (whole, name: string) => (name in variables ? String(variables[name]) : whole));
}
