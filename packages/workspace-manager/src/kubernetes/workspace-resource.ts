import * as k8s from '@kubernetes/client-node';
import * as crypto from 'crypto';
import { PHASES } from '@warren/workspace-api';
import { WorkspaceRecord, WorkspaceStatus } from '../model';

/** The Workspace custom resource: spec is the tenant's intent, the status subresource what the reconciler observed. */
export const GROUP = 'warren.dev';
export const VERSION = 'v1alpha1';
export const PLURAL = 'workspaces';
export const KIND = 'Workspace';
export const API_VERSION = `${GROUP}/${VERSION}`;
/** Held on every Workspace until its pod, volume and secrets are gone, so that `kubectl delete` takes the same path as the API. */
export const FINALIZER = 'warren.dev/workspace';

/** Labels on everything Warren makes, so that informers and cleanups find only Warren's objects. */
export const LABELS = {
    managedBy: 'app.kubernetes.io/managed-by',
    component: 'app.kubernetes.io/component',
    tenant: 'warren.dev/tenant',
    workspace: 'warren.dev/workspace'
} as const;
export const MANAGED_BY = 'warren';
/** When a replica last saw the workspace in use (RFC 3339): how activity that reaches a follower gets to the leader's idle clock. */
export const ACTIVITY_ANNOTATION = 'warren.dev/last-activity';

/** The namespace of a tenant: a prefix and the tenant's name, kept within the 63 characters of a DNS label. */
export function tenantNamespace(prefix: string, tenant: string): string {
    const name = `${prefix}${tenant}`;
    return name.length <= 63 ? name : `${name.slice(0, 54)}-${crypto.createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}

export interface WorkspaceSpec {
    tenant: string;
    displayName: string;
    className: string;
    desired: 'running' | 'stopped';
    forceStop?: boolean;
    goEnv?: Record<string, string>;
    /** A git repository cloned on the first start; absent: the template. */
    source?: { git: { url: string; ref?: string; folder?: string } };
}

export interface WorkspaceResourceCondition {
    type: string;
    status: 'True' | 'False' | 'Unknown';
    message: string;
}

export interface WorkspaceResourceStatus extends Omit<WorkspaceStatus, 'conditions'> {
    conditions: WorkspaceResourceCondition[];
}

export interface WorkspaceResource extends k8s.KubernetesObject {
    spec: WorkspaceSpec;
    status?: WorkspaceResourceStatus;
}

/** A Warren condition ("Waiting: for a GPU ...") as a Kubernetes-style one, and back. */
export function toCondition(text: string): WorkspaceResourceCondition {
    const m = /^([A-Z][A-Za-z]+): ([\s\S]*)$/.exec(text);
    return m ? { type: m[1], status: 'True', message: m[2] } : { type: 'Note', status: 'True', message: text };
}

export function fromCondition(c: WorkspaceResourceCondition): string {
    return c.type === 'Note' ? c.message : `${c.type}: ${c.message}`;
}

export function toResource(namespace: string, ws: WorkspaceRecord): WorkspaceResource {
    return {
        apiVersion: API_VERSION,
        kind: KIND,
        metadata: {
            name: ws.id,
            namespace,
            labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.tenant]: ws.tenant },
            finalizers: [FINALIZER]
        },
        spec: { tenant: ws.tenant, displayName: ws.name, className: ws.className, desired: ws.desired, forceStop: ws.forceStop, goEnv: ws.goEnv,
            ...(ws.source.kind === 'git' ? { source: { git: { url: ws.source.url, ref: ws.source.ref, folder: ws.source.folder } } } : {}) }
    };
}

export function toResourceStatus(status: WorkspaceStatus): WorkspaceResourceStatus {
    const out: WorkspaceResourceStatus = { ...status, conditions: status.conditions.map(toCondition) };
    for (const key of Object.keys(out) as Array<keyof WorkspaceResourceStatus>) {
        if (out[key] === undefined) {
            delete out[key];
        }
    }
    return out;
}

const NO_STATUS: WorkspaceStatus = { phase: 'pending', version: 0, conditions: [], updatedAt: new Date(0).toISOString() };

export function fromResource(r: WorkspaceResource): WorkspaceRecord {
    const s = r.status;
    return {
        tenant: r.spec.tenant,
        id: r.metadata!.name!,
        name: r.spec.displayName,
        className: r.spec.className,
        desired: r.spec.desired,
        deleting: Boolean(r.metadata?.deletionTimestamp),
        forceStop: Boolean(r.spec.forceStop),
        goEnv: r.spec.goEnv ?? {},
        source: r.spec.source?.git ? { kind: 'git', url: r.spec.source.git.url, ref: r.spec.source.git.ref ?? '', folder: r.spec.source.git.folder ?? '' } : { kind: 'template' },
        createdAt: new Date(r.metadata?.creationTimestamp ?? 0).toISOString(),
        generation: r.metadata?.generation ?? 1,
        status: s ? { ...s, conditions: (s.conditions ?? []).map(fromCondition) } : { ...NO_STATUS }
    };
}

const label = { type: 'string', maxLength: 63, pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$' };

/** The CustomResourceDefinition, applied by the manager at start (and shipped by the Helm chart). */
/** Plain JSON as the API server speaks it (client-node's typed model renames enum and the x-kubernetes fields). */
export const WORKSPACE_CRD = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${PLURAL}.${GROUP}`, labels: { [LABELS.managedBy]: MANAGED_BY } },
    spec: {
        group: GROUP,
        scope: 'Namespaced',
        names: { plural: PLURAL, singular: 'workspace', kind: KIND, listKind: 'WorkspaceList', shortNames: ['ws'], categories: ['warren'] },
        versions: [{
            name: VERSION,
            served: true,
            storage: true,
            subresources: { status: {} },
            additionalPrinterColumns: [
                { name: 'Tenant', type: 'string', jsonPath: '.spec.tenant' },
                { name: 'Class', type: 'string', jsonPath: '.spec.className' },
                { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
                { name: 'Node', type: 'string', jsonPath: '.status.node' },
                { name: 'GPU', type: 'string', jsonPath: '.status.gpu' },
                { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }
            ],
            schema: {
                openAPIV3Schema: {
                    type: 'object',
                    description: 'A Warren workspace: a Go IDE in a pod, with its files on a volume of its own.',
                    required: ['spec'],
                    properties: {
                        spec: {
                            type: 'object',
                            description: 'What the tenant wants. Only the API (or an admin) writes it.',
                            required: ['tenant', 'displayName', 'className', 'desired'],
                            'x-kubernetes-validations': [
                                { rule: 'self.tenant == oldSelf.tenant', message: 'spec.tenant cannot change: create a new workspace for another tenant.' },
                                { rule: 'self.className == oldSelf.className', message: 'spec.className cannot change: create a new workspace with the other class.' }
                            ],
                            properties: {
                                tenant: { ...label, maxLength: 40, description: 'The tenant that owns the workspace.' },
                                displayName: { type: 'string', minLength: 1, maxLength: 100, description: 'The name people see.' },
                                className: { ...label, description: 'The workspace class (cpu, memory, disk, GPU).' },
                                desired: { type: 'string', enum: ['running', 'stopped'], description: 'Whether the IDE should run.' },
                                forceStop: { type: 'boolean', description: 'Stop even if editors cannot be saved (loses them).' },
                                goEnv: {
                                    type: 'object', maxProperties: 32, description: 'Go environment (GOPROXY, GOPRIVATE, GONOSUMDB, GOFLAGS).',
                                    additionalProperties: { type: 'string', maxLength: 4096 },
                                    'x-kubernetes-validations': [{ rule: 'self.all(k, k.matches("^GO[A-Z0-9_]*$"))', message: 'goEnv keys must be Go variables such as GOPROXY.' }]
                                },
                                source: {
                                    type: 'object', description: 'Where the files come from on the first start; absent: the template. Cannot change.',
                                    'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'spec.source cannot change: create a new workspace from the other repository.' }],
                                    properties: {
                                        git: {
                                            type: 'object', required: ['url'], description: 'A git repository, cloned onto the volume by an init container.',
                                            properties: {
                                                url: { type: 'string', minLength: 1, maxLength: 2048, pattern: '^(https?://|ssh://|[A-Za-z0-9._-]+@)[^\\s]+$', description: 'https, http or ssh URL, without credentials.' },
                                                ref: { type: 'string', maxLength: 255, pattern: '^[^-\\s][^\\s]*$|^$', description: 'A branch, tag or commit; empty: the default branch.' },
                                                folder: { type: 'string', maxLength: 1024, description: 'A folder inside the repository that the IDE opens.' }
                                            }
                                        }
                                    }
                                }
                            }
                        },
                        status: {
                            type: 'object',
                            description: 'What the reconciler observed. Only the elected manager writes it.',
                            properties: {
                                phase: { type: 'string', enum: [...PHASES] },
                                version: { type: 'integer', minimum: 0, description: 'Orders the updates of this status.' },
                                url: { type: 'string' },
                                failureReason: { type: 'string' },
                                failedGeneration: { type: 'integer' },
                                conditions: {
                                    type: 'array', maxItems: 32,
                                    items: {
                                        type: 'object', required: ['type', 'status', 'message'],
                                        properties: { type: { type: 'string' }, status: { type: 'string', enum: ['True', 'False', 'Unknown'] }, message: { type: 'string' } }
                                    }
                                },
                                node: { type: 'string' },
                                runtimeId: { type: 'string' },
                                gpu: { type: 'string' },
                                idleStopsAt: { type: 'string' },
                                progress: { type: 'string', maxLength: 500 },
                                updatedAt: { type: 'string' }
                            }
                        }
                    }
                }
            }
        }]
    }
};
