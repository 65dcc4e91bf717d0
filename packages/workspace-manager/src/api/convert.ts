import { desiredToProto, phaseToProto } from '@warren/workspace-api';
import { Workspace } from '@warren/workspace-api/lib/generated/warren/workspace/v1/Workspace';
import { WorkspaceClass as WorkspaceClassMessage } from '@warren/workspace-api/lib/generated/warren/workspace/v1/WorkspaceClass';
import { WorkspaceClass } from '../classes';
import { WorkspaceRecord } from '../model';

/** A record as the API shows it: enums as their proto names. */
export function toMessage(ws: WorkspaceRecord): Workspace {
    return {
        id: ws.id,
        tenant: ws.tenant,
        name: ws.name,
        className: ws.className,
        desiredState: desiredToProto(ws.desired),
        goEnv: ws.goEnv,
        source: ws.source.kind === 'git' ? { git: { url: ws.source.url, ref: ws.source.ref, folder: ws.source.folder } } : { template: {} },
        createdAt: ws.createdAt,
        status: {
            phase: phaseToProto(ws.status.phase),
            version: String(ws.status.version),
            url: ws.status.url ?? '',
            failureReason: ws.status.failureReason ?? '',
            conditions: ws.status.conditions,
            node: ws.status.node ?? '',
            runtimeId: ws.status.runtimeId ?? '',
            gpu: ws.status.gpu ?? '',
            updatedAt: ws.status.updatedAt,
            idleStopsAt: ws.status.idleStopsAt ?? '',
            progress: ws.status.progress ?? ''
        }
    };
}

export function toClassMessage(c: WorkspaceClass): WorkspaceClassMessage {
    return {
        name: c.name, description: c.description, cpu: c.cpu, memory: c.memory, disk: c.disk,
        gpuResource: c.gpuResource ?? '', gpuCount: c.gpuCount ?? 0, idleTimeoutSeconds: c.idleTimeoutSeconds ?? 1800
    };
}
