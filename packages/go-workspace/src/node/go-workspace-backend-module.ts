import { ConnectionHandler, RpcConnectionHandler } from '@theia/core/lib/common/messaging';
import { ContainerModule } from '@theia/core/shared/inversify';
import { GO_TOOLCHAIN_SERVICE_PATH, GoToolchainService } from '../common/go-toolchain-protocol';
import { GoToolchainServiceImpl } from './go-toolchain-service-impl';

export default new ContainerModule(bind => {
    bind(GoToolchainServiceImpl).toSelf().inSingletonScope();
    bind(GoToolchainService).toService(GoToolchainServiceImpl);
    bind(ConnectionHandler).toDynamicValue(ctx =>
        new RpcConnectionHandler(GO_TOOLCHAIN_SERVICE_PATH, () => ctx.container.get<GoToolchainService>(GoToolchainService))
    ).inSingletonScope();
});
