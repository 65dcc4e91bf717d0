import * as k8s from '@kubernetes/client-node';
import { TenantCredentials, TenantSecrets } from '../credentials/git-credentials';
import { apiFailure, explain, isNotFound, KubeClients } from './kube';
import { TenantNamespaces } from './tenant-namespaces';
import { LABELS, MANAGED_BY } from './workspace-resource';

/** The Secret that holds a tenant's git credentials, in its namespace; workspace pods never mount it. */
export const GIT_CREDENTIALS_SECRET = 'warren-git-credentials';
const KEY = 'credentials.json';

/**
 * Cluster mode's credentials: one Secret per tenant namespace, every replica reading the same one,
 * written over the resourceVersion it was read at (a 409 is read and applied again).
 */
export class SecretCredentials implements TenantSecrets {
    constructor(protected readonly kube: KubeClients, protected readonly namespaces: TenantNamespaces) { }

    async read(tenant: string): Promise<{ file: TenantCredentials; version?: string }> {
        const namespace = this.namespaces.of(tenant);
        try {
            const secret = await this.kube.core.readNamespacedSecret({ namespace, name: GIT_CREDENTIALS_SECRET });
            const text = secret.data?.[KEY];
            return { file: text ? JSON.parse(Buffer.from(text, 'base64').toString()) as TenantCredentials : { hosts: {} }, version: secret.metadata?.resourceVersion };
        } catch (err) {
            if (isNotFound(err)) {
                return { file: { hosts: {} } };
            }
            throw explain(err, `read the git credentials Secret ${GIT_CREDENTIALS_SECRET} in namespace ${namespace}`, this.kube.server);
        }
    }

    async write(tenant: string, file: TenantCredentials, version?: string): Promise<'ok' | 'conflict'> {
        const namespace = await this.namespaces.ensureNamespace(tenant);
        const body: k8s.V1Secret = {
            metadata: { name: GIT_CREDENTIALS_SECRET, namespace, labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.tenant]: tenant }, resourceVersion: version },
            type: 'Opaque',
            data: { [KEY]: Buffer.from(JSON.stringify(file)).toString('base64') }
        };
        try {
            if (version) {
                await this.kube.core.replaceNamespacedSecret({ namespace, name: GIT_CREDENTIALS_SECRET, body });
            } else {
                await this.kube.core.createNamespacedSecret({ namespace, body });
            }
            return 'ok';
        } catch (err) {
            const code = apiFailure(err).code;
            if (code === 409) {
                return 'conflict';
            }
            throw explain(err, `write the git credentials Secret ${GIT_CREDENTIALS_SECRET} in namespace ${namespace}`, this.kube.server);
        }
    }
}
