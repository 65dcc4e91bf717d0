/**
 * Line changes between two versions of a file, and applying some of them: what staging, unstaging and
 * reverting selected ranges need. Lines keep their end-of-line characters, so that applying changes
 * gives back the exact bytes of each side.
 */

/** One change: lines [originalStart, originalEnd) of the original became [modifiedStart, modifiedEnd) of the modified text (0-based). */
export interface LineChange {
    originalStart: number;
    originalEnd: number;
    modifiedStart: number;
    modifiedEnd: number;
}

/** Lines selected in the modified text, 0-based and inclusive. */
export interface LineRange {
    start: number;
    end: number;
}

export function splitLines(text: string): string[] {
    return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

// Above this many cells the middle part is taken as one change rather than spend the memory of a full table.
const MAX_TABLE = 4_000_000;

/** The changes between two texts: common head and tail trimmed, then a longest common subsequence of the rest. */
export function diffLines(original: string, modified: string): LineChange[] {
    const a = splitLines(original);
    const b = splitLines(modified);
    let head = 0;
    while (head < a.length && head < b.length && a[head] === b[head]) {
        head++;
    }
    let tail = 0;
    while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) {
        tail++;
    }
    const n = a.length - head - tail;
    const m = b.length - head - tail;
    if (n === 0 && m === 0) {
        return [];
    }
    if (n === 0 || m === 0 || n * m > MAX_TABLE) {
        return [{ originalStart: head, originalEnd: head + n, modifiedStart: head, modifiedEnd: head + m }];
    }
    // lcs[i][j]: the length of the longest common subsequence of a[head+i..] and b[head+j..].
    const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
        for (let j = m - 1; j >= 0; j--) {
            lcs[i][j] = a[head + i] === b[head + j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
        }
    }
    const changes: LineChange[] = [];
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[head + i] === b[head + j]) {
            i++;
            j++;
            continue;
        }
        const start = { i, j };
        while ((i < n || j < m) && !(i < n && j < m && a[head + i] === b[head + j])) {
            if (j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) {
                i++;
            } else {
                j++;
            }
        }
        changes.push({ originalStart: head + start.i, originalEnd: head + i, modifiedStart: head + start.j, modifiedEnd: head + j });
    }
    return changes;
}

/** The changes that touch a selection; a deletion touches the lines on either side of where it was. */
export function changesInRanges(changes: LineChange[], ranges: LineRange[]): LineChange[] {
    return changes.filter(change => ranges.some(range => {
        const start = change.modifiedStart;
        const end = change.modifiedEnd === start ? start : change.modifiedEnd - 1;
        const low = change.modifiedEnd === start ? start - 1 : start;
        return range.start <= end && range.end >= low;
    }));
}

/**
 * Selections in the modified text as lines of the original, through changes = diffLines(original, modified):
 * an unchanged line is the same line of the original, a changed one the lines it replaced, and a pure
 * addition none (a selection of only added lines maps to nothing). Unstaging selected ranges needs it:
 * the editor shows the working tree, while the staged change is between HEAD and the index.
 */
export function rangesInOriginal(changes: LineChange[], ranges: LineRange[]): LineRange[] {
    const out: LineRange[] = [];
    for (const range of ranges) {
        let low = Infinity;
        let high = -Infinity;
        const take = (start: number, end: number): void => {
            if (end >= start) {
                low = Math.min(low, start);
                high = Math.max(high, end);
            }
        };
        // Unchanged lines from `at` on are the original's lines `shift` further.
        let at = 0;
        let shift = 0;
        for (const change of changes) {
            take(Math.max(range.start, at) + shift, Math.min(range.end, change.modifiedStart - 1) + shift);
            if (range.start < change.modifiedEnd && range.end >= change.modifiedStart) {
                take(change.originalStart, change.originalEnd - 1);
            }
            at = change.modifiedEnd;
            shift = change.originalEnd - change.modifiedEnd;
        }
        take(Math.max(range.start, at) + shift, range.end + shift);
        if (low <= high) {
            out.push({ start: low, end: high });
        }
    }
    return out;
}

/** The original text with the given changes (a subset of diffLines(original, modified)) applied. */
export function applyChanges(original: string, modified: string, changes: LineChange[]): string {
    const a = splitLines(original);
    const b = splitLines(modified);
    const out: string[] = [];
    let at = 0;
    for (const change of [...changes].sort((x, y) => x.originalStart - y.originalStart)) {
        out.push(...a.slice(at, change.originalStart), ...b.slice(change.modifiedStart, change.modifiedEnd));
        at = change.originalEnd;
    }
    out.push(...a.slice(at));
    return out.join('');
}
