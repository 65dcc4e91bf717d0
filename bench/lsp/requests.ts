/** The three requests of the LSP benchmark, as LSP messages, and how to tell that an answer is the expected one. */
import type { CompletionItem, CompletionList, Hover, Location, LocationLink } from 'vscode-languageserver-protocol';
import { ModuleTargets, Target } from './generate-module';

export type Kind = 'hover' | 'definition' | 'completion';
/** The order of the requests within a round, the same for the direct client and the IDE. */
export const KINDS: readonly Kind[] = ['hover', 'definition', 'completion'];

const METHODS: Record<Kind, string> = {
    hover: 'textDocument/hover',
    definition: 'textDocument/definition',
    completion: 'textDocument/completion'
};

export interface LspRequest {
    method: string;
    params: { textDocument: { uri: string }; position: Target };
}

export function lspRequest(kind: Kind, targets: ModuleTargets, uri: string): LspRequest {
    const { line, character } = targets[kind];
    return { method: METHODS[kind], params: { textDocument: { uri }, position: { line, character } } };
}

function checkHover(result: Hover | null, targets: ModuleTargets): string | undefined {
    // The documentation is plain words, so it appears as is in any of the content forms (markdown, plain, marked strings).
    return result && JSON.stringify(result.contents).includes(targets.hover.hoverText)
        ? undefined
        : `the hover lacks "${targets.hover.hoverText}": ${JSON.stringify(result).slice(0, 200)}`;
}

function checkDefinition(result: Location | Location[] | LocationLink[] | null, targets: ModuleTargets, uri: string): string | undefined {
    const first = Array.isArray(result) ? result[0] : result;
    const where = first && ('targetUri' in first
        ? { uri: first.targetUri, line: first.targetSelectionRange.start.line }
        : { uri: first.uri, line: first.range.start.line });
    return where && where.uri === uri && where.line === targets.definition.targetLine
        ? undefined
        : `the definition is not line ${targets.definition.targetLine + 1} of the file: ${JSON.stringify(result).slice(0, 200)}`;
}

function checkCompletion(result: CompletionList | CompletionItem[] | null, targets: ModuleTargets): string | undefined {
    const items = Array.isArray(result) ? result : result?.items ?? [];
    return items.some(i => i.label === targets.completion.label)
        ? undefined
        : `no completion "${targets.completion.label}" among ${items.length}: ${items.slice(0, 5).map(i => i.label).join(', ')}`;
}

/** Undefined when the answer is the expected one, else what is wrong with it. */
export function checkAnswer(kind: Kind, result: unknown, targets: ModuleTargets, uri: string): string | undefined {
    switch (kind) {
        case 'hover':
            return checkHover(result as Hover | null, targets);
        case 'definition':
            return checkDefinition(result as Location | Location[] | LocationLink[] | null, targets, uri);
        case 'completion':
            return checkCompletion(result as CompletionList | CompletionItem[] | null, targets);
    }
}
