import { AbstractViewContribution, FrontendApplication, FrontendApplicationContribution } from '@theia/core/lib/browser';
import { injectable } from '@theia/core/shared/inversify';
import { FILE_NAVIGATOR_ID } from '@theia/navigator/lib/browser';
import { WelcomeWidget } from './welcome-widget';

/** On a first start (no restored layout) opens the welcome page and the explorer; the page is also a toggle command. */
@injectable()
export class WelcomeContribution extends AbstractViewContribution<WelcomeWidget> implements FrontendApplicationContribution {

    constructor() {
        super({
            widgetId: WelcomeWidget.ID,
            widgetName: WelcomeWidget.LABEL,
            defaultWidgetOptions: { area: 'main' },
            toggleCommandId: 'warren.welcome'
        });
    }

    async initializeLayout(_app: FrontendApplication): Promise<void> {
        await this.openView({ reveal: true, activate: false });
        // The explorer is added collapsed by default; a first-time user should see their module's files.
        await this.shell.revealWidget(FILE_NAVIGATOR_ID);
    }
}
