import { WebSocketConnectionSource } from '@theia/core/lib/browser/messaging/ws-connection-source';
import { ConnectionManagementMessages } from '@theia/core/lib/common/messaging/connection-management';
import { injectable } from '@theia/core/shared/inversify';

/**
 * Theia's connection source, except for a reconnect that the backend refuses: the backend has no
 * connection for this tab, because it is a new process (the IDE restarted) or because it dropped
 * ours after `frontendConnectionTimeout`. Theia would open a new channel and restart every service
 * in place, plugin hosts included, which 1.74 cannot do cleanly (doc/reconnect.md). This source
 * closes the socket instead and hands over to `onBackendLost`, which saves what must not be lost
 * and reloads the tab.
 *
 * A new backend also has a new connection token (Theia's `theia-connection-token` cookie), and it
 * refuses the socket's requests with the old one; only an ordinary HTTP request gets the new cookie.
 * So each failed reconnect attempt makes one.
 */
@injectable()
export class ResumingConnectionSource extends WebSocketConnectionSource {

    /** Set by the frontend once it can keep unsaved text; until then a lost backend reloads at once. */
    onBackendLost: () => void = () => window.location.reload();

    protected override createWebSocket(url: string): WebSocketConnectionSource['socket'] {
        const socket = super.createWebSocket(url);
        socket.io.on('reconnect_error', () => {
            fetch(window.location.href, { method: 'HEAD', credentials: 'same-origin', cache: 'no-store', redirect: 'manual' }).catch(() => undefined);
        });
        return socket;
    }

    protected override negogiateReconnect(): void {
        const answered = (hasConnection: boolean): void => {
            this.socket.off(ConnectionManagementMessages.RECONNECT, answered);
            if (hasConnection) {
                console.info(`reconnect succeeded on ${this.socket.id}`);
                this.writeBuffer.flush(this.socket);
                return;
            }
            console.info(`the backend has no connection for this tab any more (socket ${this.socket.id}): reloading`);
            this.writeBuffer.drain();
            this.socket.disconnect();
            this.onBackendLost();
        };
        this.socket.on(ConnectionManagementMessages.RECONNECT, answered);
        this.socket.emit(ConnectionManagementMessages.RECONNECT, this.frontendIdProvider.getId());
    }
}
