import { WorkspaceMessage } from './client';
import { WorkspaceJson } from './json';
import { desiredFromProto, phaseFromProto } from './phase';

/** A workspace message with plain enum names and numbers, as the gateway and the CLI use it: the dashboard's fields, the tenant, and where the IDE is. */
export interface WorkspaceView extends Omit<WorkspaceJson, 'url' | 'openPath'> {
    tenant: string;
    /** Where the IDE listens, for the proxy; empty unless it runs. */
    ideUrl: string;
}

export function toView(m: WorkspaceMessage): WorkspaceView {
    const status = m.status;
    const phase = phaseFromProto(status?.phase);
    return {
        tenant: m.tenant, id: m.id, name: m.name, className: m.className,
        desiredState: desiredFromProto(m.desiredState),
        phase,
        version: Number(status?.version ?? 0),
        failureReason: status?.failureReason ?? '',
        conditions: status?.conditions ?? [],
        idleStopsAt: status?.idleStopsAt ?? '',
        progress: status?.progress ?? '',
        source: m.source?.git ? `${m.source.git.url}${m.source.git.ref ? `#${m.source.git.ref}` : ''}` : '',
        createdAt: m.createdAt,
        updatedAt: status?.updatedAt || m.createdAt,
        ideUrl: phase === 'running' ? status?.url ?? '' : ''
    };
}
