import * as fs from 'fs';
import * as os from 'os';

/**
 * A memory limit for gopls (GOMEMLIMIT, a soft limit that makes Go's GC work harder before the
 * kernel's OOM killer steps in). gopls running out of memory in small containers is the most
 * common complaint about Go in cloud IDEs; gopls shares the workspace with builds, tests and dlv.
 */
export interface MemoryLimitInput {
    /** The setting: 'auto', 'off', or a size such as '1536MiB' or '2GiB'. */
    setting: string;
    /** The workspace's memory limit from its cgroup, when it has one. */
    cgroupLimitBytes?: number;
    /** The machine's memory. */
    totalMemoryBytes: number;
}

export interface MemoryLimit {
    /** The GOMEMLIMIT value to set, e.g. '1536MiB'; undefined: leave gopls unlimited. */
    gomemlimit?: string;
    /** Why, for the Go output channel. */
    reason: string;
}

const MiB = 1024 * 1024;
/** gopls's share of a container's limit: the rest is for go build, tests, dlv and the IDE itself. */
export const CGROUP_SHARE = 0.5;
/** Without a container limit the machine is shared with everything else on it. */
export const MACHINE_SHARE = 0.25;
/** Below this gopls cannot load even a small module with its dependencies. */
export const FLOOR_BYTES = 256 * MiB;

const SIZE = /^(\d+)(B|KiB|MiB|GiB|TiB)$/;

/** Parses the size forms GOMEMLIMIT itself accepts; undefined when text is not one. */
export function parseSize(text: string): number | undefined {
    const m = SIZE.exec(text.trim());
    if (!m) {
        return undefined;
    }
    const unit = { B: 1, KiB: 1024, MiB, GiB: 1024 * MiB, TiB: 1024 * 1024 * MiB }[m[2] as 'B'];
    return Number(m[1]) * unit;
}

export function computeMemoryLimit(input: MemoryLimitInput): MemoryLimit {
    const setting = input.setting.trim();
    if (setting === 'off') {
        return { reason: 'go.languageServer.memoryLimit is "off"' };
    }
    if (setting !== 'auto') {
        const bytes = parseSize(setting);
        if (bytes === undefined) {
            throw new Error(`go.languageServer.memoryLimit "${setting}" is not "auto", "off" or a size such as "1536MiB" or "2GiB".`);
        }
        return { gomemlimit: `${Math.floor(bytes / MiB)}MiB`, reason: `go.languageServer.memoryLimit is ${setting}` };
    }
    const fromCgroup = input.cgroupLimitBytes !== undefined && input.cgroupLimitBytes < input.totalMemoryBytes;
    const base = fromCgroup ? input.cgroupLimitBytes! : input.totalMemoryBytes;
    const share = fromCgroup ? CGROUP_SHARE : MACHINE_SHARE;
    const bytes = Math.max(FLOOR_BYTES, Math.floor(base * share));
    const mib = Math.floor(bytes / MiB);
    return {
        gomemlimit: `${mib}MiB`,
        reason: `${share * 100}% of the ${fromCgroup ? 'workspace container\'s memory limit' : 'machine\'s memory'} (${Math.floor(base / MiB)} MiB)`
    };
}

/** The cgroup memory limit of this process: cgroup v2 memory.max, else v1 memory.limit_in_bytes; undefined when unlimited. */
export function readCgroupLimit(read: (file: string) => string = file => fs.readFileSync(file, 'utf8')): number | undefined {
    for (const file of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
        let text: string;
        try {
            text = read(file).trim();
        } catch {
            continue;
        }
        if (text === 'max') {
            return undefined;
        }
        const n = Number(text);
        // cgroup v1 reports "unlimited" as a huge page-aligned number.
        return Number.isFinite(n) && n > 0 && n < 2 ** 60 ? n : undefined;
    }
    return undefined;
}

export function memoryLimitForThisMachine(setting: string): MemoryLimit {
    return computeMemoryLimit({ setting, cgroupLimitBytes: readCgroupLimit(), totalMemoryBytes: os.totalmem() });
}
