import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getLanguageService, TextDocument } from 'vscode-json-languageservice';
import { schemaAssociations, validationOptions } from './schema-associations';

describe('schemaAssociations', () => {
    it('should merge every plugin\'s jsonValidation, with Theia\'s string fileMatch and relative URLs', () => {
        const associations = schemaAssociations([
            { extensionUri: 'file:///plugins/json', validations: [
                { fileMatch: 'file://**/settings.json', url: 'vscode://schemas/settings/folder' },
                { fileMatch: ['launch.json'], url: 'vscode://schemas/launch' },
                { fileMatch: ['launch.json'] }
            ] },
            { extensionUri: 'file:///plugins/other/', validations: [{ fileMatch: ['*.other.json'], url: './schemas/other.json' }, { fileMatch: ['also.json'], url: './schemas/other.json' }] }
        ]);
        assert.deepEqual(associations, [
            { uri: 'vscode://schemas/settings/folder', fileMatch: ['file://**/settings.json'] },
            { uri: 'vscode://schemas/launch', fileMatch: ['launch.json'] },
            { uri: 'file:///plugins/other/schemas/other.json', fileMatch: ['*.other.json', 'also.json'] }
        ]);
    });
});

describe('JSON validation through vscode-json-languageservice', () => {
    const schema = { type: 'object', properties: { stopOnEntry: { type: 'boolean' } } };
    const service = getLanguageService({ schemaRequestService: async uri => { if (uri === 'vscode://schemas/launch') { return JSON.stringify(schema); } throw new Error(`no ${uri}`); } });
    service.configure({ validate: true, allowComments: true, schemas: schemaAssociations([{ extensionUri: 'file:///p', validations: [{ fileMatch: ['launch.json'], url: 'vscode://schemas/launch' }] }]) });
    const check = async (uri: string, languageId: string, text: string): Promise<string[]> => {
        const document = TextDocument.create(uri, languageId, 1, text);
        return (await service.doValidation(document, service.parseJSONDocument(document), validationOptions(languageId))).map(d => d.message);
    };

    it('should find launch.json\'s schema in any folder and allow comments in JSONC', async () => {
        assert.deepEqual(await check('file:///w/.vscode/launch.json', 'jsonc', '{\n  // why\n  "stopOnEntry": "yes"\n}'), ['Incorrect type. Expected "boolean".']);
    });

    it('should refuse comments in plain JSON, and check a file no schema names for syntax only', async () => {
        assert.deepEqual(await check('file:///w/data.json', 'json', '{\n  // why\n  "stopOnEntry": "yes"\n}'), ['Comments are not permitted in JSON.']);
    });
});
