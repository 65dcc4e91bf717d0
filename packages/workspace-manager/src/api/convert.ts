import { WorkspaceClass } from '../classes';
import { WorkspaceRecord } from '../model';
import { Phase } from '../generated/warren/workspace/v1/Phase';
import { Workspace } from '../generated/warren/workspace/v1/Workspace';
import { WorkspaceClass as WorkspaceClassMessage } from '../generated/warren/workspace/v1/WorkspaceClass';

/** A record as the API shows it: enums as their proto names. */
export function toMessage(ws: WorkspaceRecord): Workspace {
    return {
        id: ws.id,
        tenant: ws.tenant,
        name: ws.name,
        className: ws.className,
        desiredState: ws.desired === 'running' ? 'DESIRED_STATE_RUNNING' : 'DESIRED_STATE_STOPPED',
        goEnv: ws.goEnv,
        createdAt: ws.createdAt,
        status: {
            phase: `PHASE_${ws.status.phase.toUpperCase()}` as Phase,
            version: String(ws.status.version),
            url: ws.status.url ?? '',
            failureReason: ws.status.failureReason ?? '',
            conditions: ws.status.conditions,
            node: ws.status.node ?? '',
            runtimeId: ws.status.runtimeId ?? '',
            gpu: ws.status.gpu ?? '',
            updatedAt: ws.status.updatedAt
        }
    };
}

export function toClassMessage(c: WorkspaceClass): WorkspaceClassMessage {
    return {
        name: c.name, description: c.description, cpu: c.cpu, memory: c.memory, disk: c.disk,
        gpuResource: c.gpuResource ?? '', gpuCount: c.gpuCount ?? 0, idleTimeoutSeconds: c.idleTimeoutSeconds ?? 1800
    };
}
