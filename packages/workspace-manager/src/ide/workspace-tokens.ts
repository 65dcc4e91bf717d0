import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The secret a workspace's IDE shows the manager (heartbeats) and the manager shows the IDE (idle
 * warning, prepare-stop): `<tenant>.<id>.<HMAC-SHA256 of tenant/id>`. Nothing is stored per
 * workspace; the key lives in the data folder, readable by this user only.
 */
export class WorkspaceTokens {
    constructor(protected readonly key: Buffer) { }

    /**
     * Reads the key, making it on first use: written to a temporary file and renamed, so that a full
     * disk or a crash never leaves a half-written key. One that an older Warren left empty or short
     * is replaced, said in warn: it cannot have signed anything that still works.
     */
    static fromFile(file: string, warn: (message: string) => void = () => undefined): WorkspaceTokens {
        let text: string | undefined;
        try {
            text = fs.readFileSync(file, 'utf8').trim();
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
                throw new Error(`cannot read ${file}: ${(err as Error).message}. Give this user access to the data folder.`);
            }
        }
        if (text !== undefined && /^[0-9a-f]{64,}$/.test(text)) {
            return new WorkspaceTokens(Buffer.from(text, 'hex'));
        }
        if (text !== undefined) {
            warn(`${file} held no valid key (${text.length} characters; an earlier start was interrupted, perhaps by a full disk): made a new one`);
        }
        const key = crypto.randomBytes(32);
        writeSecretFile(file, key.toString('hex'));
        return new WorkspaceTokens(key);
    }

    /** The secret that every request to this workspace's IDE carries (IDE_SECRET_HEADER); the IDE holds it, its tenant may read it. */
    ideSecret(tenant: string, id: string): string {
        return crypto.createHmac('sha256', this.key).update(`ide-secret/${tenant}/${id}`).digest('base64url');
    }

    token(tenant: string, id: string): string {
        return `${tenant}.${id}.${this.sign(tenant, id)}`;
    }

    /** The workspace a token is for, or undefined for a token this key did not make. */
    verify(token: string): { tenant: string; id: string } | undefined {
        const [tenant, id, signature, ...rest] = token.split('.');
        if (!tenant || !id || !signature || rest.length) {
            return undefined;
        }
        const expected = Buffer.from(this.sign(tenant, id));
        const given = Buffer.from(signature);
        return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? { tenant, id } : undefined;
    }

    protected sign(tenant: string, id: string): string {
        return crypto.createHmac('sha256', this.key).update(`${tenant}/${id}`).digest('base64url');
    }
}

/** Writes a file only this user reads, whole or not at all: a temporary file beside it, flushed, then renamed. */
export function writeSecretFile(file: string, text: string): void {
    const tmp = `${file}.tmp-${process.pid}`;
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
        const fd = fs.openSync(tmp, 'w', 0o600);
        try {
            fs.writeSync(fd, text);
            fs.fsyncSync(fd);
        } finally {
            fs.closeSync(fd);
        }
        fs.renameSync(tmp, file);
    } catch (err) {
        try {
            fs.rmSync(tmp, { force: true });
        } catch {
            // nothing was made
        }
        throw new Error(`cannot write ${file}: ${(err as Error).message}. Free some disk space or fix the data folder's permissions, then start again.`);
    }
}
