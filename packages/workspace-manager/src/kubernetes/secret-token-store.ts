import * as k8s from '@kubernetes/client-node';
import * as crypto from 'crypto';
import { TokenRecord } from '../model';
import { TokenStore } from '../store/workspace-store';
import { explain, isNotFound, KubeClients } from './kube';
import { LABELS, MANAGED_BY } from './workspace-resource';

const KIND_LABEL = 'warren.dev/secret-kind';
const sha256 = (text: string): string => crypto.createHash('sha256').update(text).digest('hex');

/**
 * The API's bearer tokens in cluster mode: one Secret each in the control plane's namespace, named
 * by a prefix of the token's SHA-256, so that finding a token is one read and every replica sees
 * the same tokens. The token itself is never stored.
 */
export class SecretTokenStore implements TokenStore {
    constructor(protected readonly kube: KubeClients, protected readonly namespace: string) { }

    async createToken(tenant: string | undefined, description: string): Promise<{ token: string; record: TokenRecord }> {
        const token = `wt_${crypto.randomBytes(24).toString('base64url')}`;
        const record: TokenRecord = { id: crypto.randomBytes(6).toString('hex'), tenant, description, createdAt: new Date().toISOString() };
        const body: k8s.V1Secret = {
            metadata: {
                name: nameOf(token), namespace: this.namespace,
                labels: { [LABELS.managedBy]: MANAGED_BY, [KIND_LABEL]: 'api-token', 'warren.dev/token-id': record.id }
            },
            type: 'Opaque',
            stringData: { id: record.id, tenant: tenant ?? '', description, createdAt: record.createdAt, sha256: sha256(token) }
        };
        try {
            await this.kube.core.createNamespacedSecret({ namespace: this.namespace, body });
        } catch (err) {
            throw explain(err, `create a Secret for an API token in namespace ${this.namespace}`, this.kube.server);
        }
        return { token, record };
    }

    async findToken(token: string): Promise<TokenRecord | undefined> {
        if (typeof token !== 'string' || !token) {
            return undefined;
        }
        try {
            const secret = await this.kube.core.readNamespacedSecret({ namespace: this.namespace, name: nameOf(token) });
            const record = fromSecret(secret);
            // The name is a prefix: the whole hash must match too.
            return record && decode(secret, 'sha256') === sha256(token) ? record : undefined;
        } catch (err) {
            if (isNotFound(err)) {
                return undefined;
            }
            throw explain(err, `read API tokens in namespace ${this.namespace}`, this.kube.server);
        }
    }

    async listTokens(): Promise<TokenRecord[]> {
        const list = await this.kube.core.listNamespacedSecret({ namespace: this.namespace, labelSelector: `${KIND_LABEL}=api-token` })
            .catch(err => { throw explain(err, `list API tokens in namespace ${this.namespace}`, this.kube.server); });
        return list.items.map(fromSecret).filter((r): r is TokenRecord => Boolean(r)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    }

    async revokeToken(id: string): Promise<boolean> {
        const list = await this.kube.core.listNamespacedSecret({ namespace: this.namespace, labelSelector: `${KIND_LABEL}=api-token,warren.dev/token-id=${id}` });
        for (const secret of list.items) {
            await this.kube.core.deleteNamespacedSecret({ namespace: this.namespace, name: secret.metadata!.name! });
        }
        return list.items.length > 0;
    }
}

function nameOf(token: string): string {
    return `warren-token-${sha256(token).slice(0, 40)}`;
}

function decode(secret: k8s.V1Secret, key: string): string | undefined {
    const value = secret.data?.[key];
    return value === undefined ? undefined : Buffer.from(value, 'base64').toString();
}

function fromSecret(secret: k8s.V1Secret): TokenRecord | undefined {
    const id = decode(secret, 'id');
    const createdAt = decode(secret, 'createdAt');
    if (!id || !createdAt) {
        return undefined;
    }
    return { id, tenant: decode(secret, 'tenant') || undefined, description: decode(secret, 'description') ?? '', createdAt };
}
