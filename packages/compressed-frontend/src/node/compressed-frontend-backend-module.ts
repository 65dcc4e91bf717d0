import { BackendApplicationContribution } from '@theia/core/lib/node/backend-application';
import { ContainerModule } from '@theia/core/shared/inversify';
import { CompressedFrontendContribution } from './compressed-frontend-contribution';

export default new ContainerModule(bind => {
    bind(CompressedFrontendContribution).toSelf().inSingletonScope();
    bind(BackendApplicationContribution).toService(CompressedFrontendContribution);
});
