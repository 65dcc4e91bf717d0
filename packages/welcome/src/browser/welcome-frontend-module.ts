import { bindViewContribution, FrontendApplicationContribution, WidgetFactory } from '@theia/core/lib/browser';
import { ContainerModule } from '@theia/core/shared/inversify';
import { WelcomeContribution } from './welcome-contribution';
import { WelcomeWidget } from './welcome-widget';
import '../../src/browser/style/welcome.css';

export default new ContainerModule(bind => {
    bindViewContribution(bind, WelcomeContribution);
    bind(FrontendApplicationContribution).toService(WelcomeContribution);
    bind(WelcomeWidget).toSelf();
    bind(WidgetFactory).toDynamicValue(ctx => ({
        id: WelcomeWidget.ID,
        createWidget: () => ctx.container.get(WelcomeWidget)
    })).inSingletonScope();
});
