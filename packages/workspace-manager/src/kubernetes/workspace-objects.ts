import * as k8s from '@kubernetes/client-node';
import { cloneGitEnv, workspaceGitEnv } from '@warren/git-credential-helper';
import { GitSourceSpec, IDE_ENV } from '@warren/workspace-api';
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
/** The workspace's files on the volume: the folder the image's command opens (scripts/image/warren-workspace). */
export const FILES = `${HOME}/workspace`;
/** The image's node, and Warren's packages in it in the checkout's layout (scripts/image-context.mjs). */
export const IMAGE_NODE = '/usr/local/bin/node';
export const IMAGE_APP = '/opt/warren/app';
export const IMAGE_COMMAND = '/opt/warren/bin/warren-workspace';
/** git's credential helper in the image: it asks the manager for the tenant's tokens (packages/git-credential-helper). */
export const IMAGE_GIT_HELPER_DIR = `${IMAGE_APP}/packages/git-credential-helper/lib`;
/** The init container's script: the first start's clone (providers/clone-cli.ts). */
export const IMAGE_CLONE_SCRIPT = `${IMAGE_APP}/packages/workspace-manager/lib/providers/clone-cli.js`;
/** The init container that clones a git-sourced workspace's repository. */
export const CLONE_CONTAINER = 'clone';

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
    /** Whether the tenant has a git token for the repository's host: a refused clone's message says which fix applies. */
    hasGitCredential?: boolean;
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

/** Every container of a workspace's pod: what Pod Security "restricted" asks, and a read-only root. */
const CONTAINER_SECURITY: k8s.V1SecurityContext = {
    allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, runAsNonRoot: true
};

/**
 * The first start's clone, as an init container with the workspace's own identity and limits (no GPU):
 * the image's node runs clone-cli.js, which does nothing when the files exist (every later start), and
 * otherwise clones beside them and renames into place. git asks for the tenant's token through the
 * credential helper with the workspace token, which comes from the Secret into this process's
 * environment only, never onto the volume. A failure's message is the container's termination message.
 */
export function cloneContainer(ctx: WorkspaceContext, source: GitSourceSpec): k8s.V1Container {
    const { ws, cls, settings } = ctx;
    const { limits, requests } = podResources({ ...cls, gpuResource: undefined, gpuCount: undefined });
    const env: Record<string, string> = {
        HOME,
        LANG: 'C.UTF-8',
        // git never asks a person, and reads no configuration of the system's or the user's: only Warren's helper and ssh.
        ...cloneGitEnv(IMAGE_NODE, IMAGE_GIT_HELPER_DIR),
        [IDE_ENV.activityUrl]: ctx.activityUrl,
        NVIDIA_VISIBLE_DEVICES: 'void'
    };
    return {
        name: CLONE_CONTAINER,
        image: settings.image,
        imagePullPolicy: settings.imagePullPolicy,
        command: [IMAGE_NODE, IMAGE_CLONE_SCRIPT],
        args: [
            `--target=${FILES}`, `--url=${source.url}`, `--ref=${source.ref}`, `--folder=${source.folder}`,
            ...(ctx.hasGitCredential ? ['--has-credential'] : [])
        ],
        workingDir: HOME,
        env: [
            ...Object.entries(env).map(([name, value]) => ({ name, value })),
            { name: IDE_ENV.token, valueFrom: { secretKeyRef: { name: secretName(ws.id), key: 'token' } } }
        ],
        resources: { limits, requests },
        securityContext: CONTAINER_SECURITY,
        terminationMessagePath: '/dev/termination-log',
        // The script writes its message there; a crash before it could (node itself failing) shows its last log lines.
        terminationMessagePolicy: 'FallbackToLogsOnError',
        volumeMounts: [
            { name: 'home', mountPath: HOME },
            { name: 'tmp', mountPath: '/tmp' }
        ]
    };
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
        { name: 'GOENV', value: `${CONFIG_MOUNT}/go.env` },
        // A terminal's git asks for the tenant's tokens through the IDE's relay, which holds the workspace token.
        ...Object.entries(workspaceGitEnv(IMAGE_NODE, IMAGE_GIT_HELPER_DIR)).map(([name, value]) => ({ name, value }))
    ];
    const gpu = cls.gpuResource && cls.gpuCount;
    if (!gpu) {
        env.push({ name: 'NVIDIA_VISIBLE_DEVICES', value: 'void' }); // no GPU leaks in through a runtime's default
    }
    const source = ws.source.kind === 'git' ? ws.source : undefined;
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
                ...(source?.folder ? { args: [IMAGE_COMMAND, '--workspace', `${FILES}/${source.folder}`] } : {}),
                ports: [{ name: 'ide', containerPort: IDE_PORT, protocol: 'TCP' }],
                env,
                resources: podResources(cls),
                readinessProbe: { tcpSocket: { port: IDE_PORT }, periodSeconds: 2, failureThreshold: 3 },
                securityContext: CONTAINER_SECURITY,
                volumeMounts: [
                    { name: 'home', mountPath: HOME },
                    { name: 'tmp', mountPath: '/tmp' },
                    { name: 'config', mountPath: CONFIG_MOUNT, readOnly: true }
                ]
            }],
            ...(source ? { initContainers: [cloneContainer(ctx, source)] } : {}),
            volumes: [
                { name: 'home', persistentVolumeClaim: { claimName: volumeName(ws.id) } },
                { name: 'tmp', emptyDir: { sizeLimit: '2Gi' } },
                { name: 'config', configMap: { name: configName(ws.id) } }
            ]
        }
    };
    return pod;
}
