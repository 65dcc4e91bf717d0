import { WebSocketConnectionSource } from '@theia/core/lib/browser/messaging/ws-connection-source';
import { ContainerModule } from '@theia/core/shared/inversify';
import { ResumingConnectionSource } from './resuming-connection-source';

// A preload module: the connection source is made by the first preload script that calls the
// backend, before any frontend module loads, so it can only be replaced here.
export default new ContainerModule((_bind, _unbind, _isBound, rebind) => {
    rebind(WebSocketConnectionSource).to(ResumingConnectionSource).inSingletonScope();
});
