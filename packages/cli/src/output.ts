import { Workspace__Output } from '@warren/workspace-manager/lib/generated/warren/workspace/v1/Workspace';

export type OutputFormat = 'table' | 'json';

/** Rows as an aligned table with a header, the way kubectl and docker print lists. */
export function table(headers: string[], rows: string[][]): string {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)));
    const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
    return [line(headers), ...rows.map(line)].join('\n');
}

export function phaseOf(ws: Workspace__Output): string {
    return (ws.status?.phase ?? 'PHASE_UNSPECIFIED').replace(/^PHASE_/, '').toLowerCase();
}

export function workspaceRows(list: Workspace__Output[], withTenant: boolean): string {
    const headers = [...(withTenant ? ['TENANT'] : []), 'ID', 'NAME', 'CLASS', 'DESIRED', 'PHASE', 'URL / REASON'];
    return table(headers, list.map(ws => [
        ...(withTenant ? [ws.tenant] : []),
        ws.id, ws.name, ws.className, String(ws.desiredState).replace(/^DESIRED_STATE_/, '').toLowerCase(), phaseOf(ws),
        ws.status?.failureReason || ws.status?.url || ''
    ]));
}

export function print(format: OutputFormat, value: unknown, asTable: () => string): void {
    console.log(format === 'json' ? JSON.stringify(value, undefined, 2) : asTable());
}
