import { MessageService, PreferenceService } from '@theia/core/lib/common';
import { PreferenceConfigurations } from '@theia/core/lib/common/preferences/preference-configurations';
import URI from '@theia/core/lib/common/uri';
import { inject, injectable } from '@theia/core/shared/inversify';
import * as jsonc from 'jsonc-parser';
import { DebugConfigurationManager } from '@theia/debug/lib/browser/debug-configuration-manager';
import { DebugConfigurationModel } from '@theia/debug/lib/browser/debug-configuration-model';
import { DebugConfiguration } from '@theia/debug/lib/common/debug-common';
import { FileService } from '@theia/filesystem/lib/browser/file-service';

/**
 * `.vscode` is the configuration folder, as in every VS Code-based IDE: settings.json, launch.json and
 * tasks.json are read from it first, and "Open Configurations" creates them there. Theia 1.74 puts
 * `.theia` first.
 */
@injectable()
export class VscodeFirstPreferenceConfigurations extends PreferenceConfigurations {
    override getPaths(): string[] {
        return ['.vscode', '.theia'];
    }
}

/** A folder's launch configurations from every configuration folder: the first holder of launch.json, then the others' files. */
export class AllFoldersDebugConfigurationModel extends DebugConfigurationModel {
    protected readonly readOthers?: (primary: URI | undefined) => Promise<DebugConfiguration[]>;

    constructor(workspaceFolderUri: string, preferences: PreferenceService, readOthers: (primary: URI | undefined) => Promise<DebugConfiguration[]>) {
        super(workspaceFolderUri, preferences);
        // The base constructor reconciled before readOthers was set: again, with it.
        this.readOthers = readOthers;
        void this.reconcile();
    }

    override async reconcile(): Promise<void> {
        const primary = this.parseConfigurations();
        const names = new Set(primary.configurations.map(c => c.name));
        const others = this.readOthers ? await this.readOthers(primary.uri) : [];
        // A configuration in both files is the first folder's.
        this.json = { ...primary, configurations: [...primary.configurations, ...others.filter(c => !names.has(c.name))] };
        this.onDidChangeEmitter.fire(undefined);
    }
}

/**
 * Theia's preferences give launch.json of one configuration folder only, so `.vscode/launch.json` hid
 * `.theia/launch.json` (and the other way round) without a word. Here the Run view lists both, and a
 * notification says where new configurations go when both exist.
 */
@injectable()
export class AllFoldersDebugConfigurationManager extends DebugConfigurationManager {
    @inject(FileService) protected readonly files: FileService;
    @inject(MessageService) protected readonly messages: MessageService;
    protected readonly toldAbout = new Set<string>();

    constructor() {
        super();
        const base = this.updateModels;
        this.updateModels = async () => {
            // Models are made on the base's debounce; swap in ours before it runs, and keep them.
            for (const root of await this.workspaceService.roots) {
                const key = root.resource.toString();
                if (!this.models.has(key)) {
                    const model = new AllFoldersDebugConfigurationModel(key, this.preferences, primary => this.readOtherLaunchFiles(root.resource, primary));
                    model.onDidChange(() => this.updateCurrent());
                    model.onDispose(() => this.models.delete(key));
                    this.models.set(key, model);
                }
            }
            await base();
        };
    }

    protected override async doInit(): Promise<void> {
        await super.doInit();
        // Edits to a launch.json that the preferences do not show fire no preference change.
        this.files.onDidFilesChange(event => {
            if (event.changes.some(change => change.resource.path.base === 'launch.json')) {
                this.models.forEach(model => void model.reconcile());
            }
        });
    }

    /** The configurations of each configuration folder's launch.json but the one the preferences already gave. */
    protected async readOtherLaunchFiles(folder: URI, primary: URI | undefined): Promise<DebugConfiguration[]> {
        const found: DebugConfiguration[] = [];
        const holders: string[] = [];
        for (const configFolder of this.preferenceConfigurations.getPaths()) {
            const uri = folder.resolve(configFolder).resolve('launch.json');
            const text = await this.files.read(uri).then(content => content.value, () => undefined);
            if (text === undefined) {
                continue;
            }
            holders.push(`${configFolder}/launch.json`);
            if (primary && uri.isEqual(primary)) {
                continue;
            }
            const value = jsonc.parse(text);
            for (const configuration of Array.isArray(value?.configurations) ? value.configurations : []) {
                if (DebugConfiguration.is(configuration)) {
                    found.push(configuration);
                }
            }
        }
        if (holders.length > 1 && !this.toldAbout.has(folder.toString())) {
            this.toldAbout.add(folder.toString());
            void this.messages.info(`Both ${holders.join(' and ')} hold launch configurations: the Run view lists them all, `
                + `and Run > Open Configurations edits ${holders[0]}.`);
        }
        return found;
    }
}
