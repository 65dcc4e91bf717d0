import { execFile } from 'child_process';
import * as vscode from 'vscode';

/** "${command:pickProcess}": a quick pick of this machine's processes; resolves with the chosen PID. */
export async function pickProcess(): Promise<string | undefined> {
    const list = await new Promise<string>((resolve, reject) =>
        execFile('ps', ['-eo', 'pid=,user=,args='], { maxBuffer: 8 * 1024 * 1024 }, (err, stdout) => (err ? reject(err) : resolve(stdout))));
    const items = list.split('\n').map(line => /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line)).filter((m): m is RegExpExecArray => !!m)
        .filter(m => Number(m[1]) !== process.pid)
        .map(m => ({ label: m[3].split(' ')[0].split('/').pop() ?? m[3], description: m[1], detail: `${m[2]}: ${m[3]}`, pid: m[1] }));
    const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Choose the process to attach to', matchOnDescription: true, matchOnDetail: true });
    return picked?.pid;
}
