import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';

/**
 * A tenant's shared Go build cache (doc/go-build-cache.md). Each workspace's go command writes its
 * own cache (warren-gocacheprog's -dir, in the workspace's home) and reads the tenant's shared one
 * after it, read-only. Only the control plane writes the shared cache: it copies in the entries of
 * the tenant's workspaces, each output checked against its SHA-256 (its output id, as Go names it),
 * never replacing an entry that is there, and never following a link the workspace made.
 */

/** The layout warren-gocacheprog writes: a/<action id> → "<output id> <size> <ns>", o/<output id>. */
const HEX64 = /^[0-9a-f]{64}$/;
/** An entry no larger than this is copied; a bigger one (a linked test binary) is left to its workspace. */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

export interface PublishResult {
    published: number;
    /** Entries there already, in the shared cache. */
    known: number;
    /** Entries refused, each with why (a wrong hash, a link, a malformed entry). */
    refused: string[];
}

/**
 * Copies the entries of a workspace's own cache that the shared cache lacks; run off the event loop by
 * publishInWorker. ownerUid: the tenant's user. Each file read must belong to it, whatever links the
 * tenant put in the folders above (another tenant's cache, a file of the host): what it could not
 * write itself is never copied.
 */
export function publishEntries(own: string, shared: string, ownerUid?: number): PublishResult {
    const result: PublishResult = { published: 0, known: 0, refused: [] };
    let names: string[];
    try {
        if (!fs.lstatSync(own).isDirectory() || !fs.lstatSync(path.join(own, 'a')).isDirectory() || !fs.lstatSync(path.join(own, 'o')).isDirectory()) {
            return { ...result, refused: [`${own}: not a cache folder (a link, or not a folder)`] };
        }
        names = fs.readdirSync(path.join(own, 'a'));
    } catch {
        return result; // no cache yet: nothing built in this workspace
    }
    // Readable by the tenant's user (the sandbox binds it read-only); chmod, since the control plane's umask is 077.
    for (const dir of [shared, path.join(shared, 'a'), path.join(shared, 'o')]) {
        fs.mkdirSync(dir, { recursive: true });
        fs.chmodSync(dir, 0o755);
    }
    const known = new Set(fs.readdirSync(path.join(shared, 'a')));
    for (const name of names) {
        if (!HEX64.test(name)) {
            continue; // a temporary file of a write in progress
        }
        if (known.has(name)) {
            result.known++;
            continue;
        }
        const problem = publishEntry(own, shared, name, ownerUid);
        if (problem) {
            result.refused.push(`${name}: ${problem}`);
        } else {
            result.published++;
        }
    }
    return result;
}

function publishEntry(own: string, shared: string, action: string, ownerUid: number | undefined): string | undefined {
    const line = readRegularFile(path.join(own, 'a', action), 1024, ownerUid);
    if (typeof line !== 'object') {
        return line;
    }
    const [output, sizeText, nanosText] = line.toString('utf8').trim().split(' ');
    const size = Number(sizeText);
    if (!HEX64.test(output ?? '') || !Number.isSafeInteger(size) || size < 0 || !/^\d+$/.test(nanosText ?? '')) {
        return 'not an entry';
    }
    if (size > MAX_OUTPUT_BYTES) {
        return `its output is ${size} bytes, more than the ${MAX_OUTPUT_BYTES} a shared entry may have`;
    }
    const target = path.join(shared, 'o', output);
    if (!fs.existsSync(target)) {
        const body = readRegularFile(path.join(own, 'o', output), size, ownerUid);
        if (typeof body !== 'object') {
            return body;
        }
        if (body.length !== size || crypto.createHash('sha256').update(body).digest('hex') !== output) {
            return 'its output does not have the size and SHA-256 its entry says';
        }
        writeAtomic(target, body);
    }
    writeAtomic(path.join(shared, 'a', action), Buffer.from(`${output} ${size} ${nanosText}\n`));
    return undefined;
}

/** The file's contents if it is a regular file (not a link: O_NOFOLLOW) of at most max bytes, owned by ownerUid; else why not. */
function readRegularFile(file: string, max: number, ownerUid: number | undefined): Buffer | string {
    let fd: number;
    try {
        fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    } catch (err) {
        return (err as NodeJS.ErrnoException).code === 'ELOOP' ? 'a link, not a file' : `cannot be read (${(err as NodeJS.ErrnoException).code})`;
    }
    try {
        const stat = fs.fstatSync(fd);
        if (!stat.isFile()) {
            return 'not a regular file';
        }
        if (ownerUid !== undefined && stat.uid !== ownerUid) {
            return `owned by uid ${stat.uid}, not by the workspace's user`;
        }
        if (stat.size > max) {
            return `larger than ${max} bytes`;
        }
        const buffer = Buffer.alloc(stat.size);
        const read = fs.readSync(fd, buffer, 0, stat.size, 0);
        return buffer.subarray(0, read);
    } finally {
        fs.closeSync(fd);
    }
}

function writeAtomic(file: string, data: Buffer): void {
    const tmp = `${file}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, data);
    fs.chmodSync(tmp, 0o644);
    fs.renameSync(tmp, file);
}

/** publishEntries on a thread of its own: hashing a build's outputs (tens of MB) would hold the gateway up. */
export function publishInWorker(own: string, shared: string, ownerUid?: number): Promise<PublishResult> {
    return new Promise((resolve, reject) => {
        const worker = new Worker(__filename, { workerData: { own, shared, ownerUid } satisfies PublishJob });
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', code => reject(new Error(`the publishing thread exited (${code})`)));
    });
}

interface PublishJob {
    own: string;
    shared: string;
    ownerUid?: number;
}

// This file is also publishInWorker's thread.
if (!isMainThread && parentPort && typeof (workerData as Partial<PublishJob>)?.own === 'string') {
    const job = workerData as PublishJob;
    parentPort.postMessage(publishEntries(job.own, job.shared, job.ownerUid));
}
