import * as fs from 'fs';
import * as path from 'path';

/**
 * Makes sure the workspace folder exists: when it does not, it is created as a copy of template
 * (a new volume's first start). A folder that exists, empty or not, is left as it is: the user's
 * files are never overwritten. The copy is made beside the folder and renamed into place, so an
 * interrupted first start leaves no half-copied workspace behind. Returns whether it seeded.
 */
export function seedWorkspace(workspace: string, template: string): boolean {
    if (fs.existsSync(workspace)) {
        return false;
    }
    let stat: fs.Stats;
    try {
        stat = fs.statSync(template);
    } catch {
        throw new Error(`The workspace template ${template} does not exist: pass an existing folder to --template.`);
    }
    if (!stat.isDirectory()) {
        throw new Error(`The workspace template ${template} is a file, not a folder.`);
    }
    fs.mkdirSync(path.dirname(workspace), { recursive: true });
    const staging = `${workspace}.seeding-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    try {
        fs.cpSync(template, staging, { recursive: true });
        fs.renameSync(staging, workspace);
    } finally {
        fs.rmSync(staging, { recursive: true, force: true });
    }
    return true;
}
