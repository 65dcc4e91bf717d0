import * as k8s from '@kubernetes/client-node';
import { IDE_ENV } from '@warren/workspace-api';
import { WorkspaceClass } from '../classes';
import { WorkspaceRecord } from '../model';
import { ClusterSettings } from './cluster-settings';
import { IDE_PORT } from './tenant-namespaces';
import { API_VERSION, KIND, LABELS, MANAGED_BY } from './workspace-resource';

/** The workspace image's layout (doc/images.md): the volume is the home folder; Go's caches live on it. */
export const HOME = '/home/warren';
export const UID = 1000;
/** The ConfigMap's mount: go.env is read by every go command (GOENV), so an edit applies without a restart. */
export const CONFIG_MOUNT = '/etc/warren/workspace';

export const podName = (id: string): string => `ws-${id}`;
export const volumeName = (id: string): string => `ws-${id}-home`;
export const configName = (id: string): string => `ws-${id}-config`;
export const secretName = (id: string): string => `ws-${id}-secret`;

export interface WorkspaceContext {
    ws: WorkspaceRecord;
    cls: WorkspaceClass;
    settings: ClusterSettings;
    namespace: string;
    /** The Workspace resource's uid: everything made for it is owned by it, so that deleting it removes them. */
    ownerUid: string;
    activityUrl: string;
    heartbeatSeconds: number;
}

function metadata(ctx: WorkspaceContext, name: string, component: string): k8s.V1ObjectMeta {
    return {
        name,
        namespace: ctx.namespace,
        labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.component]: component, [LABELS.tenant]: ctx.ws.tenant, [LABELS.workspace]: ctx.ws.id },
        ownerReferences: [{ apiVersion: API_VERSION, kind: KIND, name: ctx.ws.id, uid: ctx.ownerUid, controller: true, blockOwnerDeletion: true }]
    };
}

/** The home volume: files, HOME, GOPATH, GOMODCACHE and GOCACHE, kept across stops. */
export function workspaceVolume(ctx: WorkspaceContext): k8s.V1PersistentVolumeClaim {
    const storageClassName = ctx.cls.storageClassName ?? ctx.settings.storageClassName;
    return {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: metadata(ctx, volumeName(ctx.ws.id), 'workspace-volume'),
        spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: ctx.cls.disk } },
            ...(storageClassName ? { storageClassName } : {})
        }
    };
}

/** The Go environment as a GOENV file (admin defaults, then the workspace's own). */
export function workspaceConfig(ctx: WorkspaceContext): k8s.V1ConfigMap {
    const goEnv = { ...ctx.settings.goEnv, ...ctx.ws.goEnv };
    return {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: metadata(ctx, configName(ctx.ws.id), 'workspace-config'),
        data: {
            'go.env': Object.entries(goEnv).map(([k, v]) => `${k}=${v}\n`).join('')
        }
    };
}

/** The secret the gateway and manager present to the IDE, and the token the IDE presents back. Never in the pod spec. */
export function workspaceSecret(ctx: WorkspaceContext, ideSecret: string, token: string): k8s.V1Secret {
    return {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: metadata(ctx, secretName(ctx.ws.id), 'workspace-secret'),
        type: 'Opaque',
        stringData: { 'ide-secret': ideSecret, token }
    };
}

/** Requests equal to limits for a GPU (extended resources allow nothing else); cpu and memory from the class. */
export function podResources(cls: WorkspaceClass): k8s.V1ResourceRequirements {
    const limits: Record<string, string> = { cpu: cls.cpu, memory: cls.memory };
    const requests: Record<string, string> = { cpu: cls.requests?.cpu ?? cls.cpu, memory: cls.requests?.memory ?? cls.memory };
    if (cls.gpuResource && cls.gpuCount) {
        limits[cls.gpuResource] = String(cls.gpuCount);
        requests[cls.gpuResource] = String(cls.gpuCount);
    }
    return { limits, requests };
}

/**
 * The workspace's pod: a bare Pod (DESIGN.md says why not a StatefulSet), restricted in every way Pod
 * Security "restricted" asks and more (read-only root, no service-account token, no service links).
 */
export function workspacePod(ctx: WorkspaceContext): k8s.V1Pod {
    const { ws, cls, settings } = ctx;
    const secretRef = (key: string): k8s.V1EnvVarSource => ({ secretKeyRef: { name: secretName(ws.id), key } });
    const env: k8s.V1EnvVar[] = [
        { name: IDE_ENV.secret, valueFrom: secretRef('ide-secret') },
        { name: IDE_ENV.token, valueFrom: secretRef('token') },
        { name: IDE_ENV.activityUrl, value: ctx.activityUrl },
        { name: IDE_ENV.workspace, value: `${ws.tenant}/${ws.id}` },
        { name: IDE_ENV.heartbeatSeconds, value: String(ctx.heartbeatSeconds) },
        { name: 'GOENV', value: `${CONFIG_MOUNT}/go.env` }
    ];
    const gpu = cls.gpuResource && cls.gpuCount;
    if (!gpu) {
        env.push({ name: 'NVIDIA_VISIBLE_DEVICES', value: 'void' }); // no GPU leaks in through a runtime's default
    }
    const pod: k8s.V1Pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { ...metadata(ctx, podName(ws.id), 'workspace'), annotations: { 'warren.dev/class': cls.name } },
        spec: {
            restartPolicy: 'Always',
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 15,
            hostname: ws.id.slice(0, 63),
            securityContext: {
                runAsNonRoot: true, runAsUser: UID, runAsGroup: UID, fsGroup: UID,
                fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' }
            },
            nodeSelector: { ...settings.nodeSelector, ...cls.nodeSelector },
            tolerations: [...(settings.tolerations ?? []), ...(cls.tolerations ?? [])],
            ...(cls.runtimeClassName ? { runtimeClassName: cls.runtimeClassName } : {}),
            containers: [{
                name: 'ide',
                image: settings.image,
                imagePullPolicy: settings.imagePullPolicy,
                ports: [{ name: 'ide', containerPort: IDE_PORT, protocol: 'TCP' }],
                env,
                resources: podResources(cls),
                readinessProbe: { tcpSocket: { port: IDE_PORT }, periodSeconds: 2, failureThreshold: 3 },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, runAsNonRoot: true },
                volumeMounts: [
                    { name: 'home', mountPath: HOME },
                    { name: 'tmp', mountPath: '/tmp' },
                    { name: 'config', mountPath: CONFIG_MOUNT, readOnly: true }
                ]
            }],
            volumes: [
                { name: 'home', persistentVolumeClaim: { claimName: volumeName(ws.id) } },
                { name: 'tmp', emptyDir: { sizeLimit: '2Gi' } },
                { name: 'config', configMap: { name: configName(ws.id) } }
            ]
        }
    };
    return pod;
}
