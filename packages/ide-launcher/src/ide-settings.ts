import * as fs from 'fs';
import * as jsonc from 'jsonc-parser';
import * as path from 'path';
import defaults = require('./default-settings.json');

/**
 * Warren's IDE defaults, written into the workspace's own IDE config folder (THEIA_CONFIG_DIR).
 *
 * Why not the app's frontend `preferences`: Theia applies those as default overrides, and its terminal
 * ignores them for `terminal.integrated.profiles.*` (checked on 1.74.1), so every terminal came up as a
 * login shell. On Debian a login shell resets PATH from /etc/profile, and Go vanished from the terminal.
 * A non-login shell inherits the workspace's environment: Go on PATH and, later, GOPROXY and friends.
 */
export const DEFAULT_IDE_SETTINGS: Record<string, unknown> = defaults;

export interface SeedResult {
    file: string;
    /** The keys Warren added; the user's own values are never replaced. */
    added: string[];
    /** Set when settings.json could not be parsed: it is left untouched. */
    warning?: string;
}

/** Adds each Warren default that settings.json in configDir lacks, keeping comments and the user's values. */
export function seedIdeSettings(configDir: string): SeedResult {
    const file = path.join(configDir, 'settings.json');
    fs.mkdirSync(configDir, { recursive: true });
    let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '{}';
    const errors: jsonc.ParseError[] = [];
    const current = jsonc.parse(text, errors, { allowTrailingComma: true });
    if (errors.length || typeof current !== 'object' || current === null || Array.isArray(current)) {
        return { file, added: [], warning: `${file} is not a JSON object; Warren's defaults were not applied. Fix or remove the file.` };
    }
    const added = Object.keys(DEFAULT_IDE_SETTINGS).filter(key => !(key in current));
    if (added.length === 0) {
        return { file, added };
    }
    for (const key of added) {
        const edits = jsonc.modify(text, [key], DEFAULT_IDE_SETTINGS[key], { formattingOptions: { insertSpaces: true, tabSize: 2 } });
        text = jsonc.applyEdits(text, edits);
    }
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, text.endsWith('\n') ? text : `${text}\n`);
    fs.renameSync(tmp, file);
    return { file, added };
}
