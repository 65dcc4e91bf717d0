import { FrontendApplicationContribution, WidgetManager } from '@theia/core/lib/browser';
import { DecorationsService } from '@theia/core/lib/browser/decorations-service';
import { inject, injectable } from '@theia/core/shared/inversify';
import { SCM_WIDGET_FACTORY_ID } from '@theia/scm/lib/browser/scm-contribution';

/**
 * Theia's Source Control view reads each change's letter and colour from the decorations service as it
 * renders, and does not render again when they change: a file's "M" came with the next render for some
 * other reason (another status change, a hover), or not at all. This renders the view again on each change
 * of decorations (plugins/git names the files whose decorations changed, so they are there by then).
 */
@injectable()
export class ScmDecorationsRefresh implements FrontendApplicationContribution {
    @inject(DecorationsService) protected readonly decorations: DecorationsService;
    @inject(WidgetManager) protected readonly widgets: WidgetManager;

    onStart(): void {
        this.decorations.onDidChangeDecorations(() => {
            for (const widget of this.widgets.getWidgets(SCM_WIDGET_FACTORY_ID)) {
                widget.update();
            }
        });
    }
}
