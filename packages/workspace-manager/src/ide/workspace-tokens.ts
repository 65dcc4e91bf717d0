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

    /** Reads the key, making it on first use. */
    static fromFile(file: string): WorkspaceTokens {
        if (!fs.existsSync(file)) {
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, crypto.randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
        }
        const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
        if (key.length < 32) {
            throw new Error(`${file} does not hold a 32-byte hex key: delete it and Warren makes a new one (running IDEs then need a restart).`);
        }
        return new WorkspaceTokens(key);
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
