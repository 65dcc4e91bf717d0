import * as k8s from '@kubernetes/client-node';
import * as http from 'http';
import * as https from 'https';

/** An object as the API server speaks it: plain JSON with apiVersion, kind and metadata. */
export type Manifest = k8s.KubernetesObject & { [field: string]: unknown };

/** The one field manager of every server-side apply: Warren owns the fields it sets, and nothing else. */
export const FIELD_MANAGER = 'warren';

/** The API clients of one cluster, made once from a kubeconfig file or, inside a pod, the in-cluster configuration. */
export class KubeClients {
    readonly core: k8s.CoreV1Api;
    readonly custom: k8s.CustomObjectsApi;
    readonly coordination: k8s.CoordinationV1Api;
    readonly server: string;

    constructor(readonly config: k8s.KubeConfig) {
        this.core = config.makeApiClient(k8s.CoreV1Api);
        this.custom = config.makeApiClient(k8s.CustomObjectsApi);
        this.coordination = config.makeApiClient(k8s.CoordinationV1Api);
        this.server = config.getCurrentCluster()?.server ?? '(no server)';
    }

    /** A kubeconfig file's current context; no file: the in-cluster configuration when in a pod, else $KUBECONFIG or ~/.kube/config. */
    static load(kubeconfig?: string): KubeClients {
        const config = new k8s.KubeConfig();
        try {
            if (kubeconfig) {
                config.loadFromFile(kubeconfig);
            } else {
                config.loadFromDefault();
            }
        } catch (err) {
            throw new Error(`Could not read the kubeconfig${kubeconfig ? ` ${kubeconfig}` : ''}: ${(err as Error).message}. Pass --kubeconfig with a valid file.`);
        }
        if (!config.getCurrentCluster()) {
            throw new Error(`The kubeconfig${kubeconfig ? ` ${kubeconfig}` : ''} names no current cluster: set its current-context, or pass --kubeconfig.`);
        }
        return new KubeClients(config);
    }

    /**
     * Server-side apply with Warren's field manager: creates or converges, so that every action can be
     * run again. Objects are plain JSON as the API server speaks it (client-node's typed models rename
     * fields such as `from` and `default`), sent as they are.
     */
    apply<T extends k8s.KubernetesObject>(object: T): Promise<T> {
        return this.request<T>('PATCH', `${resourcePath(object)}?fieldManager=${FIELD_MANAGER}&force=true`, object, 'application/apply-patch+yaml');
    }

    /** Creates a plain-JSON object; fails with 409 AlreadyExists when it is there. */
    create<T extends k8s.KubernetesObject>(object: T): Promise<T> {
        return this.request<T>('POST', resourcePath(object, false), object);
    }

    /** One call to the API server, JSON in and out; a failure is an ApiException, as client-node's own calls throw. */
    get<T>(path: string): Promise<T> {
        return this.request<T>('GET', path);
    }

    async request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
        const text = await this.raw(method, path, body, contentType);
        return (text ? JSON.parse(text) : undefined) as T;
    }

    /** A GET whose answer is text, not JSON (a container's log). */
    text(path: string): Promise<string> {
        return this.raw('GET', path, undefined, 'application/json', '*/*');
    }

    protected async raw(method: string, path: string, body: unknown, contentType: string, accept = 'application/json'): Promise<string> {
        const url = new URL(this.server + path);
        const options: https.RequestOptions = {
            method, protocol: url.protocol, hostname: url.hostname, port: url.port, path: url.pathname + url.search,
            headers: { Accept: accept, ...(body === undefined ? {} : { 'Content-Type': contentType }) }
        };
        await this.config.applyToHTTPSOptions(options);
        const text = await new Promise<{ code: number; text: string }>((resolve, reject) => {
            const req = (url.protocol === 'https:' ? https : http).request(options, res => {
                let data = '';
                res.setEncoding('utf8');
                res.on('data', chunk => { data += chunk; });
                res.on('end', () => resolve({ code: res.statusCode ?? 0, text: data }));
                res.on('error', reject);
            });
            req.setTimeout(30_000, () => req.destroy(new Error(`no answer from ${this.server} within 30 s`)));
            req.on('error', reject);
            req.end(body === undefined ? undefined : JSON.stringify(body));
        });
        if (text.code < 200 || text.code > 299) {
            throw new k8s.ApiException(text.code, `HTTP ${text.code} from ${method} ${path}`, text.text, {});
        }
        return text.text;
    }
}

/** Where each kind Warren makes lives in the API (plural, group); the few it makes, not a discovery client. */
const RESOURCES: Record<string, { plural: string; namespaced: boolean }> = {
    Namespace: { plural: 'namespaces', namespaced: false },
    Pod: { plural: 'pods', namespaced: true },
    PersistentVolumeClaim: { plural: 'persistentvolumeclaims', namespaced: true },
    ConfigMap: { plural: 'configmaps', namespaced: true },
    Secret: { plural: 'secrets', namespaced: true },
    ResourceQuota: { plural: 'resourcequotas', namespaced: true },
    LimitRange: { plural: 'limitranges', namespaced: true },
    NetworkPolicy: { plural: 'networkpolicies', namespaced: true },
    Lease: { plural: 'leases', namespaced: true },
    CustomResourceDefinition: { plural: 'customresourcedefinitions', namespaced: false },
    Workspace: { plural: 'workspaces', namespaced: true }
};

/** The URL path of an object (or of its collection, for a create). */
export function resourcePath(object: k8s.KubernetesObject, withName = true): string {
    const r = RESOURCES[object.kind ?? ''];
    if (!r || !object.apiVersion || !object.metadata?.name) {
        throw new Error(`Warren does not know where ${object.kind ?? 'an object without kind'} ${object.metadata?.name ?? ''} lives in the API.`);
    }
    const base = object.apiVersion.includes('/') ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
    const ns = r.namespaced ? `/namespaces/${object.metadata.namespace}` : '';
    return `${base}${ns}/${r.plural}${withName ? `/${object.metadata.name}` : ''}`;
}

/** What the API server said about a failed call. */
export interface ApiFailure {
    code: number;
    reason: string;
    message: string;
}

/** The status code, reason and message of an API error; a network error has code 0. */
export function apiFailure(err: unknown): ApiFailure {
    if (err instanceof k8s.ApiException) {
        const body = typeof err.body === 'string' ? safeJson(err.body) : err.body as Record<string, unknown> | undefined;
        return {
            code: err.code,
            reason: String(body?.reason ?? ''),
            message: String(body?.message ?? (typeof err.body === 'string' ? err.body : err.message)).slice(0, 2000)
        };
    }
    const e = err as { statusCode?: number; code?: number | string; message?: string };
    return { code: typeof e?.statusCode === 'number' ? e.statusCode : typeof e?.code === 'number' ? e.code : 0, reason: '', message: e?.message ?? String(err) };
}

export function isNotFound(err: unknown): boolean {
    return apiFailure(err).code === 404;
}

export function isAlreadyExists(err: unknown): boolean {
    const f = apiFailure(err);
    return f.code === 409 && f.reason === 'AlreadyExists';
}

/**
 * An error whose message a person can act on: a missing permission names the verb, resource and
 * namespace (the API server's own words), an unreachable cluster names its address.
 */
export function explain(err: unknown, doing: string, server?: string): Error {
    const f = apiFailure(err);
    if (f.code === 403 && /cannot/.test(f.message)) {
        return new Error(`The workspace manager may not ${doing}: ${f.message}. Grant it that permission (the Helm chart's RBAC does), or use a kubeconfig that has it.`);
    }
    if (f.code === 401) {
        return new Error(`The Kubernetes API server${server ? ` at ${server}` : ''} refused the manager's credentials while it tried to ${doing}: check the kubeconfig's user.`);
    }
    if (f.code === 0) {
        return new Error(`The Kubernetes API server${server ? ` at ${server}` : ''} could not be reached to ${doing}: ${f.message}. Check that the cluster runs and the kubeconfig points at it.`);
    }
    return new Error(`Could not ${doing}: ${f.message || f.reason || `HTTP ${f.code}`}`);
}

function safeJson(text: string): Record<string, unknown> | undefined {
    try {
        return JSON.parse(text) as Record<string, unknown>;
    } catch {
        return undefined;
    }
}
