/** Which JSON schema applies to which file: the `jsonValidation` contributions of the IDE's plugins. */

/** One `contributes.jsonValidation` entry, as a package.json (or Theia, for its own schemas) writes it. */
export interface JsonValidation {
    fileMatch?: string | string[];
    url?: string;
}

export interface SchemaAssociation {
    uri: string;
    fileMatch: string[];
}

/**
 * The associations of every plugin's jsonValidation, as VS Code's JSON extension makes them.
 * Theia adds its own schemas (launch.json from the debug types, tasks.json from the task types,
 * settings.json from every preference, gopls and go.* included) to the contributions of the plugin
 * with this one's id, vscode.json-language-features. A relative url is the plugin's own file.
 */
export function schemaAssociations(plugins: { extensionUri: string; validations: JsonValidation[] }[]): SchemaAssociation[] {
    const byUri = new Map<string, Set<string>>();
    for (const plugin of plugins) {
        for (const validation of plugin.validations) {
            if (!validation.url || !validation.fileMatch) {
                continue;
            }
            const uri = /^[a-z][\w+.-]*:/i.test(validation.url) ? validation.url : joinUri(plugin.extensionUri, validation.url);
            const patterns = byUri.get(uri) ?? new Set<string>();
            for (const pattern of typeof validation.fileMatch === 'string' ? [validation.fileMatch] : validation.fileMatch) {
                // The language service matches each pattern in any folder ('**/' before it), as VS Code does.
                patterns.add(pattern);
            }
            byUri.set(uri, patterns);
        }
    }
    return [...byUri].map(([uri, patterns]) => ({ uri, fileMatch: [...patterns] }));
}

function joinUri(base: string, relative: string): string {
    return `${base.replace(/\/$/, '')}/${relative.replace(/^\.\//, '')}`;
}

/** Comments are part of JSONC (VS Code's settings, launch and tasks files); plain JSON has none. */
export function validationOptions(languageId: string): { comments: 'ignore' | 'error'; trailingCommas: 'warning' | 'error' } {
    return languageId === 'jsonc' ? { comments: 'ignore', trailingCommas: 'warning' } : { comments: 'error', trailingCommas: 'error' };
}
