import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import * as zlib from 'zlib';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Text-like files worth compressing; fonts like woff2 and images are compressed already. */
const COMPRESSIBLE = new Set(['.js', '.css', '.html', '.json', '.svg', '.wasm', '.ttf', '.eot', '.txt', '.map']);
const MIN_BYTES = 1024;

export interface CompressStats {
    files: number;
    rawBytes: number;
    brotliBytes: number;
    gzipBytes: number;
    skippedUpToDate: number;
}

function* walk(dir: string): Generator<string> {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            yield* walk(full);
        } else if (entry.isFile()) {
            yield full;
        }
    }
}

function isFresh(target: string, source: fs.Stats): boolean {
    try {
        return fs.statSync(target).mtimeMs >= source.mtimeMs;
    } catch {
        return false;
    }
}

/** Writes to a temporary name and renames, so that a server never serves a half-written file. */
function writeAtomically(target: string, data: Buffer): void {
    const tmp = `${target}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, target);
}

/** Writes a .br and a .gz beside every compressible file under dir that lacks an up-to-date one. */
export async function compressFiles(dir: string, onFile: (file: string) => void = () => undefined): Promise<CompressStats> {
    const stats: CompressStats = { files: 0, rawBytes: 0, brotliBytes: 0, gzipBytes: 0, skippedUpToDate: 0 };
    for (const file of walk(dir)) {
        const stat = fs.statSync(file);
        if (!COMPRESSIBLE.has(path.extname(file)) || stat.size < MIN_BYTES) {
            continue;
        }
        stats.files++;
        stats.rawBytes += stat.size;
        const br = `${file}.br`;
        const gz = `${file}.gz`;
        if (isFresh(br, stat) && isFresh(gz, stat)) {
            stats.skippedUpToDate++;
            stats.brotliBytes += fs.statSync(br).size;
            stats.gzipBytes += fs.statSync(gz).size;
            continue;
        }
        onFile(path.relative(dir, file));
        const data = fs.readFileSync(file);
        const [b, g] = await Promise.all([
            brotli(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } }),
            gzip(data, { level: 9 })
        ]);
        writeAtomically(br, b);
        writeAtomically(gz, g);
        stats.brotliBytes += b.length;
        stats.gzipBytes += g.length;
    }
    return stats;
}
