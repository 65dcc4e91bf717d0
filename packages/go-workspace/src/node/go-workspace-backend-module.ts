import { ConnectionHandler, RpcConnectionHandler } from '@theia/core/lib/common/messaging';
import { BackendApplicationContribution } from '@theia/core/lib/node/backend-application';
import { ContainerModule } from '@theia/core/shared/inversify';
import { ACTIVITY_SERVICE_PATH, ActivityClient, ActivityService } from '../common/activity-protocol';
import { GO_OVERVIEW_SERVICE_PATH, GoOverviewService } from '../common/go-overview-protocol';
import { GO_TOOLCHAIN_SERVICE_PATH, GoToolchainService } from '../common/go-toolchain-protocol';
import { ActivityClients } from './activity-clients';
import { ActivityConfig, takeActivityConfig } from './activity-config';
import { ActivityTracker } from './activity-tracker';
import { CredentialRelay } from './credential-relay';
import { GoOverviewServiceImpl } from './go-overview';
import { GoToolchainServiceImpl } from './go-toolchain-service-impl';
import { HeartbeatSender } from './heartbeat-sender';
import { IdleEndpoints } from './idle-endpoints';

// Read when the backend loads its modules, before it starts anything: the token leaves the
// environment that terminals, tasks and the plugin host inherit.
const activityConfig = takeActivityConfig(process.env);

export default new ContainerModule(bind => {
    bind(GoToolchainServiceImpl).toSelf().inSingletonScope();
    bind(GoToolchainService).toService(GoToolchainServiceImpl);
    bind(ConnectionHandler).toDynamicValue(ctx =>
        new RpcConnectionHandler(GO_TOOLCHAIN_SERVICE_PATH, () => ctx.container.get<GoToolchainService>(GoToolchainService))
    ).inSingletonScope();

    bind(GoOverviewServiceImpl).toSelf().inSingletonScope();
    bind(GoOverviewService).toService(GoOverviewServiceImpl);
    bind(ConnectionHandler).toDynamicValue(ctx =>
        new RpcConnectionHandler(GO_OVERVIEW_SERVICE_PATH, () => ctx.container.get<GoOverviewService>(GoOverviewService))
    ).inSingletonScope();

    bind(ActivityConfig).toConstantValue(activityConfig);
    bind(HeartbeatSender).toSelf().inSingletonScope();
    bind(ActivityTracker).toSelf().inSingletonScope();
    bind(BackendApplicationContribution).toService(ActivityTracker);
    bind(ActivityClients).toSelf().inSingletonScope();
    bind(CredentialRelay).toSelf().inSingletonScope();
    bind(BackendApplicationContribution).toService(CredentialRelay);
    bind(IdleEndpoints).toSelf().inSingletonScope();
    bind(BackendApplicationContribution).toService(IdleEndpoints);
    // Each frontend's connection adds its client proxy. The frontend may call any method of the
    // object returned here, so it gets one with the service's method alone, not the tracker.
    bind(ConnectionHandler).toDynamicValue(ctx =>
        new RpcConnectionHandler<ActivityClient>(ACTIVITY_SERVICE_PATH, client => {
            ctx.container.get(ActivityClients).add(client);
            const tracker = ctx.container.get(ActivityTracker);
            const service: ActivityService = { notifyUserInput: () => tracker.notifyUserInput() };
            return service;
        })
    ).inSingletonScope();
});
