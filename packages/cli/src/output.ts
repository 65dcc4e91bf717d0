import { phaseFromProto, WorkspaceMessage } from '@warren/workspace-api';

export type OutputFormat = 'table' | 'json';

/** Rows as an aligned table with a header, the way kubectl and docker print lists. */
export function table(headers: string[], rows: string[][]): string {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)));
    const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
    return [line(headers), ...rows.map(line)].join('\n');
}

export function phaseOf(ws: WorkspaceMessage): string {
    return phaseFromProto(ws.status?.phase);
}

/** What a row says beyond the phase: why it failed, what holds its stop, when it stops for idleness, or where it runs. */
export function noteOf(ws: WorkspaceMessage): string {
    const held = ws.status?.conditions.find(c => c.startsWith('StopHeldBack: '));
    if (ws.status?.failureReason) {
        return ws.status.failureReason;
    }
    if (ws.status?.progress) {
        return `cloning: ${ws.status.progress}`;
    }
    if (held) {
        return `stop held back: ${held.slice('StopHeldBack: '.length)}`;
    }
    if (ws.status?.idleStopsAt) {
        return `idle, stops at ${ws.status.idleStopsAt}`;
    }
    return ws.status?.url ?? '';
}

export function workspaceRows(list: WorkspaceMessage[], withTenant: boolean): string {
    const headers = [...(withTenant ? ['TENANT'] : []), 'ID', 'NAME', 'CLASS', 'DESIRED', 'PHASE', 'URL / REASON'];
    return table(headers, list.map(ws => [
        ...(withTenant ? [ws.tenant] : []),
        ws.id, ws.name, ws.className, String(ws.desiredState).replace(/^DESIRED_STATE_/, '').toLowerCase(), phaseOf(ws), noteOf(ws)
    ]));
}

export function print(format: OutputFormat, value: unknown, asTable: () => string): void {
    console.log(format === 'json' ? JSON.stringify(value, undefined, 2) : asTable());
}
