import * as path from 'path';

/** Where the helper's scripts are (main.js: credentials over https; ssh.js: ssh with the tenant's key). Another machine's (an image's) may be named. */
export const HELPER_DIR = __dirname;

const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * The value of git's credential.helper that runs the helper with this node: a shell command (the
 * leading "!"), each path quoted, since an installation's path may have spaces.
 */
export function credentialHelperConfig(node = process.execPath, dir = HELPER_DIR): string {
    return `!${quote(node)} ${quote(path.posix.join(dir, 'main.js'))}`;
}

/** The value of core.sshCommand: ssh with the tenant's key in an agent of its own for that one connection (ssh.ts). */
export function sshCommandConfig(node = process.execPath, dir = HELPER_DIR): string {
    return `${quote(node)} ${quote(path.posix.join(dir, 'ssh.js'))}`;
}

/**
 * Environment that makes every git of a workspace (IDE, terminals, tasks) ask Warren: the credential
 * helper after any of the user's own (git tries them in order), and ssh with the tenant's key. Through
 * GIT_CONFIG_COUNT and friends, which outrank every config file and write none.
 */
export function workspaceGitEnv(node = process.execPath, dir = HELPER_DIR): Record<string, string> {
    return {
        GIT_CONFIG_COUNT: '2',
        GIT_CONFIG_KEY_0: 'credential.helper', GIT_CONFIG_VALUE_0: credentialHelperConfig(node, dir),
        GIT_CONFIG_KEY_1: 'core.sshCommand', GIT_CONFIG_VALUE_1: sshCommandConfig(node, dir)
    };
}

/**
 * git's environment for a clone the control plane runs (embedded sandbox, or a pod's init container):
 * never a prompt, no configuration of the system's or the user's, only Warren's helper (the empty value
 * first forgets any other) and Warren's ssh.
 */
export function cloneGitEnv(node = process.execPath, dir = HELPER_DIR): Record<string, string> {
    return {
        GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GCM_INTERACTIVE: 'never',
        GIT_CONFIG_COUNT: '3',
        GIT_CONFIG_KEY_0: 'credential.helper', GIT_CONFIG_VALUE_0: '',
        GIT_CONFIG_KEY_1: 'credential.helper', GIT_CONFIG_VALUE_1: credentialHelperConfig(node, dir),
        GIT_CONFIG_KEY_2: 'core.sshCommand', GIT_CONFIG_VALUE_2: sshCommandConfig(node, dir)
    };
}
