import * as path from 'path';

/** The helper's script, for a workspace's git config: `credential.helper` runs it with node. */
export const HELPER_SCRIPT = path.join(__dirname, 'main.js');

/**
 * The value of git's credential.helper that runs the helper with this node: a shell command (the
 * leading "!"), each path quoted, since an installation's path may have spaces. Another machine's
 * node and script (a workspace image's) may be named instead.
 */
export function credentialHelperConfig(node = process.execPath, script = HELPER_SCRIPT): string {
    const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;
    return `!${quote(node)} ${quote(script)}`;
}

/**
 * Environment that makes every git of a workspace use the helper, after any helper of the user's own
 * (git tries them in order): GIT_CONFIG_COUNT and friends, which outrank every config file and write none.
 */
export function credentialHelperEnv(node = process.execPath, script = HELPER_SCRIPT): Record<string, string> {
    return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'credential.helper', GIT_CONFIG_VALUE_0: credentialHelperConfig(node, script) };
}
