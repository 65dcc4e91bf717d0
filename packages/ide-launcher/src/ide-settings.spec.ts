import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_IDE_SETTINGS, seedIdeSettings } from './ide-settings';

describe('seedIdeSettings', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-settings-'));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const dir = (name: string): string => path.join(tmp, name);

    it('should write every default into a new config folder', () => {
        const result = seedIdeSettings(dir('fresh'));
        assert.deepEqual(result.added.sort(), Object.keys(DEFAULT_IDE_SETTINGS).sort());
        assert.deepEqual(JSON.parse(fs.readFileSync(result.file, 'utf8')), DEFAULT_IDE_SETTINGS);
    });

    it('should keep the user\'s values and comments and add only what is missing', () => {
        fs.mkdirSync(dir('user'));
        const file = path.join(dir('user'), 'settings.json');
        fs.writeFileSync(file, '{\n  // my shell\n  "terminal.integrated.defaultProfile.linux": "zsh",\n  "editor.fontSize": 15,\n}\n');
        const result = seedIdeSettings(dir('user'));
        assert.deepEqual(result.added, ['terminal.integrated.profiles.linux']);
        const text = fs.readFileSync(file, 'utf8');
        assert.match(text, /\/\/ my shell/);
        assert.match(text, /"terminal.integrated.defaultProfile.linux": "zsh"/);
        assert.match(text, /"editor.fontSize": 15/);
        assert.match(text, /"terminal.integrated.profiles.linux"/);
    });

    it('should change nothing the second time', () => {
        const before = fs.readFileSync(path.join(dir('fresh'), 'settings.json'), 'utf8');
        assert.deepEqual(seedIdeSettings(dir('fresh')).added, []);
        assert.equal(fs.readFileSync(path.join(dir('fresh'), 'settings.json'), 'utf8'), before);
    });

    it('should leave a broken settings file alone and say so', () => {
        fs.mkdirSync(dir('broken'));
        const file = path.join(dir('broken'), 'settings.json');
        fs.writeFileSync(file, '{ "editor.fontSize": ');
        const result = seedIdeSettings(dir('broken'));
        assert.deepEqual(result.added, []);
        assert.match(result.warning ?? '', /is not a JSON object/);
        assert.equal(fs.readFileSync(file, 'utf8'), '{ "editor.fontSize": ');
    });
});
