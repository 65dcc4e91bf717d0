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
