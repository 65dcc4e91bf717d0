import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkClasses, ClusterSettings, parseClusterSettings, WorkspaceClass } from '@warren/workspace-manager';

/** Warren's data folder: --data-dir, WARREN_DATA_DIR, or ~/.local/share/warren. */
export function dataDir(option: string | undefined): string {
    return path.resolve(option ?? process.env.WARREN_DATA_DIR ?? path.join(process.env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'warren'));
}

/** What serve records for the CLI's local commands: the address people open and who the login link signs in. */
export interface ServeInfo {
    publicUrl: string;
    owner: { user: string; tenant: string };
}

export const SERVE_INFO = 'gateway.json';

export function readClasses(file: string): WorkspaceClass[] {
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
        throw new Error(`${file}: ${(err as Error).message}`);
    }
    const problems = checkClasses(parsed);
    if (problems.length) {
        throw new Error(`${file} has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    }
    return parsed as WorkspaceClass[];
}

/** Cluster settings from a JSON file (or the defaults), with every problem listed at once. */
export function readClusterSettings(file: string | undefined, image: string | undefined): ClusterSettings {
    let parsed: unknown;
    if (file) {
        try {
            parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
        } catch (err) {
            throw new Error(`${file}: ${(err as Error).message}`);
        }
    }
    const { settings, problems } = parseClusterSettings(parsed, image);
    if (!settings) {
        throw new Error(`${file ?? 'the cluster settings'} ${problems.length === 1 ? 'has a problem' : `has ${problems.length} problems`}:\n  ${problems.join('\n  ')}`);
    }
    return settings;
}
