import { CommandContribution } from '@theia/core/lib/common';
import { FrontendApplicationContribution, ServiceConnectionProvider } from '@theia/core/lib/browser';
import { ContainerModule } from '@theia/core/shared/inversify';
import { GO_TOOLCHAIN_SERVICE_PATH, GoToolchainService } from '../common/go-toolchain-protocol';
import { GoToolchainStatusContribution } from './go-toolchain-status-contribution';

export default new ContainerModule(bind => {
    bind(GoToolchainService).toDynamicValue(ctx =>
        ServiceConnectionProvider.createProxy<GoToolchainService>(ctx.container, GO_TOOLCHAIN_SERVICE_PATH)
    ).inSingletonScope();
    bind(GoToolchainStatusContribution).toSelf().inSingletonScope();
    bind(FrontendApplicationContribution).toService(GoToolchainStatusContribution);
    bind(CommandContribution).toService(GoToolchainStatusContribution);
});
