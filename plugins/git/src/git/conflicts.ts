/** One `<<<<<<< … ======= … >>>>>>>` block of a file with merge conflicts; lines are 0-based. */
export interface ConflictBlock {
    /** The `<<<<<<<` line. */
    start: number;
    /** The `|||||||` line of the diff3 style, if any. */
    base?: number;
    /** The `=======` line. */
    separator: number;
    /** The `>>>>>>>` line. */
    end: number;
}

export type Resolution = 'current' | 'incoming' | 'both';

/** Finds the conflict blocks; an unfinished block (no `>>>>>>>`) is left out. */
export function findConflicts(text: string): ConflictBlock[] {
    const lines = text.split('\n');
    const blocks: ConflictBlock[] = [];
    let open: Partial<ConflictBlock> | undefined;
    lines.forEach((line, n) => {
        if (line.startsWith('<<<<<<<')) {
            open = { start: n };
        } else if (open && line.startsWith('|||||||') && open.separator === undefined) {
            open.base = n;
        } else if (open && line.startsWith('=======') && open.separator === undefined) {
            open.separator = n;
        } else if (open && open.separator !== undefined && line.startsWith('>>>>>>>')) {
            blocks.push({ start: open.start!, base: open.base, separator: open.separator, end: n });
            open = undefined;
        }
    });
    return blocks;
}

/** The lines of the current (ours) and incoming (theirs) sides of a block. */
export function sides(lines: string[], block: ConflictBlock): { current: string[]; incoming: string[] } {
    return {
        current: lines.slice(block.start + 1, block.base ?? block.separator),
        incoming: lines.slice(block.separator + 1, block.end)
    };
}

/** The lines that replace the whole block (markers included) for a resolution. */
export function resolve(lines: string[], block: ConflictBlock, resolution: Resolution): string[] {
    const { current, incoming } = sides(lines, block);
    return resolution === 'current' ? current : resolution === 'incoming' ? incoming : [...current, ...incoming];
}
