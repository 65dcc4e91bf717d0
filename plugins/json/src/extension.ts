import * as vscode from 'vscode';
import { createConverter } from 'vscode-languageclient/lib/common/protocolConverter';
import { getLanguageService, JSONDocument, LanguageService, TextDocument } from 'vscode-json-languageservice';
import { JsonValidation, schemaAssociations, validationOptions } from './schema-associations';
import { loadSchema } from './schema-loader';

const SELECTOR: vscode.DocumentSelector = [{ language: 'json' }, { language: 'jsonc' }];
/** Validation waits for a pause in typing. */
const VALIDATE_DELAY_MS = 300;

/**
 * JSON and JSON with Comments: completion, hover, validation, formatting, outline and folding from
 * vscode-json-languageservice, in the plugin host, against the schemas of every plugin's
 * jsonValidation and those Theia adds (launch.json, tasks.json, settings.json).
 */
export function activate(context: vscode.ExtensionContext): void {
    const p2c = createConverter(undefined, true, true);
    const service = getLanguageService({ schemaRequestService: loadSchema, workspaceContext: { resolveRelativePath: (relative, resource) => new URL(relative, resource).toString() } });
    configureSchemas(service);
    const documents = new JsonDocuments(service);
    const diagnostics = vscode.languages.createDiagnosticCollection('json');
    const timers = new Map<string, NodeJS.Timeout>();

    const validate = async (document: vscode.TextDocument): Promise<void> => {
        const { text, json } = documents.get(document);
        const found = await service.doValidation(text, json, validationOptions(document.languageId));
        if (document.version === text.version) {
            diagnostics.set(document.uri, await p2c.asDiagnostics(found));
        }
    };
    const scheduleValidation = (document: vscode.TextDocument): void => {
        if (!vscode.languages.match(SELECTOR, document)) {
            return;
        }
        const key = document.uri.toString();
        clearTimeout(timers.get(key));
        timers.set(key, setTimeout(() => {
            timers.delete(key);
            validate(document).catch(err => console.error(`validating ${key}: ${err}`));
        }, VALIDATE_DELAY_MS));
    };

    context.subscriptions.push(
        diagnostics,
        vscode.workspace.onDidOpenTextDocument(scheduleValidation),
        vscode.workspace.onDidChangeTextDocument(event => {
            if (service.resetSchema(event.document.uri.toString())) {
                // A schema changed (Theia's launch schema grows as debug types register): check again.
                vscode.workspace.textDocuments.forEach(scheduleValidation);
            }
            scheduleValidation(event.document);
        }),
        vscode.workspace.onDidCloseTextDocument(document => {
            documents.forget(document);
            diagnostics.delete(document.uri);
        }),
        vscode.extensions.onDidChange(() => {
            configureSchemas(service);
            vscode.workspace.textDocuments.forEach(scheduleValidation);
        }),
        vscode.languages.registerCompletionItemProvider(SELECTOR, {
            async provideCompletionItems(document, position) {
                const { text, json } = documents.get(document);
                const list = await service.doComplete(text, { line: position.line, character: position.character }, json);
                return list ? p2c.asCompletionResult(list) : undefined;
            }
        }, '"', ':'),
        vscode.languages.registerHoverProvider(SELECTOR, {
            async provideHover(document, position) {
                const { text, json } = documents.get(document);
                const hover = await service.doHover(text, { line: position.line, character: position.character }, json);
                return hover ? p2c.asHover(hover) : undefined;
            }
        }),
        vscode.languages.registerDocumentFormattingEditProvider(SELECTOR, {
            provideDocumentFormattingEdits(document, options) {
                const { text } = documents.get(document);
                return p2c.asTextEdits(service.format(text, undefined, { tabSize: options.tabSize, insertSpaces: options.insertSpaces }));
            }
        }),
        vscode.languages.registerDocumentSymbolProvider(SELECTOR, {
            provideDocumentSymbols(document) {
                const { text, json } = documents.get(document);
                return p2c.asDocumentSymbols(service.findDocumentSymbols2(text, json));
            }
        }),
        vscode.languages.registerFoldingRangeProvider(SELECTOR, {
            provideFoldingRanges(document) {
                return p2c.asFoldingRanges(service.getFoldingRanges(documents.get(document).text));
            }
        })
    );
    vscode.workspace.textDocuments.forEach(scheduleValidation);
}

function configureSchemas(service: LanguageService): void {
    const plugins = vscode.extensions.all.map(extension => ({
        extensionUri: extension.extensionUri.toString(),
        validations: ((extension.packageJSON as { contributes?: { jsonValidation?: JsonValidation[] } }).contributes?.jsonValidation) ?? []
    }));
    service.configure({ validate: true, allowComments: true, schemas: schemaAssociations(plugins) });
}

/** Each open document parsed once per version. */
class JsonDocuments {
    protected readonly parsed = new Map<string, { text: TextDocument; json: JSONDocument }>();

    constructor(protected readonly service: LanguageService) { }

    get(document: vscode.TextDocument): { text: TextDocument; json: JSONDocument } {
        const key = document.uri.toString();
        const cached = this.parsed.get(key);
        if (cached && cached.text.version === document.version && cached.text.languageId === document.languageId) {
            return cached;
        }
        const text = TextDocument.create(key, document.languageId, document.version, document.getText());
        const entry = { text, json: this.service.parseJSONDocument(text) };
        this.parsed.set(key, entry);
        return entry;
    }

    forget(document: vscode.TextDocument): void {
        this.parsed.delete(document.uri.toString());
    }
}
