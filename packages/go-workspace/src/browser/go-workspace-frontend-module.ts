import { CommandContribution } from '@theia/core/lib/common';
import { FrontendApplicationContribution, KeybindingContribution, ServiceConnectionProvider } from '@theia/core/lib/browser';
import { PreferenceConfigurations } from '@theia/core/lib/common/preferences/preference-configurations';
import { ContainerModule } from '@theia/core/shared/inversify';
import { DebugConfigurationManager } from '@theia/debug/lib/browser/debug-configuration-manager';
import { ACTIVITY_SERVICE_PATH, ActivityService } from '../common/activity-protocol';
import { GO_OVERVIEW_SERVICE_PATH, GoOverviewService } from '../common/go-overview-protocol';
import { GO_TOOLCHAIN_SERVICE_PATH, GoToolchainService } from '../common/go-toolchain-protocol';
import { ActivityClientImpl } from './activity-client-impl';
import { AllFoldersDebugConfigurationManager, VscodeFirstPreferenceConfigurations } from './config-folders';
import { GoToolchainStatusContribution } from './go-toolchain-status-contribution';
import { ScmDecorationsRefresh } from './scm-decorations-refresh';
import { WorkbenchKeybindings } from './workbench-keybindings';
import { UserInputReporter } from './user-input-reporter';

export default new ContainerModule((bind, _unbind, _isBound, rebind) => {
    rebind(PreferenceConfigurations).to(VscodeFirstPreferenceConfigurations).inSingletonScope();
    bind(AllFoldersDebugConfigurationManager).toSelf().inSingletonScope();
    rebind(DebugConfigurationManager).toService(AllFoldersDebugConfigurationManager);
    bind(GoToolchainService).toDynamicValue(ctx =>
        ServiceConnectionProvider.createProxy<GoToolchainService>(ctx.container, GO_TOOLCHAIN_SERVICE_PATH)
    ).inSingletonScope();
    bind(GoOverviewService).toDynamicValue(ctx =>
        ServiceConnectionProvider.createProxy<GoOverviewService>(ctx.container, GO_OVERVIEW_SERVICE_PATH)
    ).inSingletonScope();
    bind(GoToolchainStatusContribution).toSelf().inSingletonScope();
    bind(FrontendApplicationContribution).toService(GoToolchainStatusContribution);
    bind(CommandContribution).toService(GoToolchainStatusContribution);

    bind(ActivityClientImpl).toSelf().inSingletonScope();
    // The proxy opens this frontend's connection, and the backend calls ActivityClientImpl through it.
    bind(ActivityService).toDynamicValue(ctx =>
        ServiceConnectionProvider.createProxy<ActivityService>(ctx.container, ACTIVITY_SERVICE_PATH, ctx.container.get(ActivityClientImpl))
    ).inSingletonScope();
    bind(UserInputReporter).toSelf().inSingletonScope();
    bind(FrontendApplicationContribution).toService(UserInputReporter);
    bind(ScmDecorationsRefresh).toSelf().inSingletonScope();
    bind(FrontendApplicationContribution).toService(ScmDecorationsRefresh);
    bind(WorkbenchKeybindings).toSelf().inSingletonScope();
    bind(KeybindingContribution).toService(WorkbenchKeybindings);
});
