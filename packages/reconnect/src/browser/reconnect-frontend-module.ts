import { FrontendApplicationContribution } from '@theia/core/lib/browser';
import { ContainerModule } from '@theia/core/shared/inversify';
import { HostedPluginSupport } from '@theia/plugin-ext/lib/hosted/browser/hosted-plugin';
import { ClosingHostedPluginSupport } from './closing-hosted-plugin-support';
import { ReconnectContribution } from './reconnect-contribution';

export default new ContainerModule((bind, _unbind, _isBound, rebind) => {
    bind(ReconnectContribution).toSelf().inSingletonScope();
    bind(FrontendApplicationContribution).toService(ReconnectContribution);
    rebind(HostedPluginSupport).to(ClosingHostedPluginSupport).inSingletonScope();
});
