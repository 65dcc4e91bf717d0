/** The control plane's log: one JSON object a line on stdout, with the time first. */
export function jsonLog(entry: Record<string, unknown>): void {
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
}
