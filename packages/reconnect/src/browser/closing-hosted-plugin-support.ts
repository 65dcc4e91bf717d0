import { Disposable } from '@theia/core/lib/common';
import { BasicChannel } from '@theia/core/lib/common/message-rpc/channel';
import { Uint8ArrayReadBuffer, Uint8ArrayWriteBuffer } from '@theia/core/lib/common/message-rpc/uint8-array-message-buffer';
import { injectable } from '@theia/core/shared/inversify';
import { RPCProtocol, RPCProtocolImpl } from '@theia/plugin-ext/lib/common/rpc-protocol';
import { HostedPluginSupport } from '@theia/plugin-ext/lib/hosted/browser/hosted-plugin';

/**
 * Theia 1.74's plugin support, with its server RPC's message subscription ended with the RPC.
 * Theia drops that subscription, so a plugin host started again on a new channel has its messages
 * answered first by the disposed RPC ("no local service handler with id LoggerMain"), and each real
 * reply is then logged as "No reply handler": the log flood and the Go extension stuck activating
 * of eclipse-theia/theia#17924. Warren reloads the tab rather than restarting plugin hosts in place
 * (ResumingConnectionSource); this keeps any other restart of a host clean.
 */
@injectable()
export class ClosingHostedPluginSupport extends HostedPluginSupport {

    protected override createServerRpc(pluginHostId: string): RPCProtocol {
        const channel = new BasicChannel(() => {
            const writer = new Uint8ArrayWriteBuffer();
            writer.onCommit(buffer => this.server.onMessage(pluginHostId, buffer));
            return writer;
        });
        // Made before subscribing, as in Theia: the watcher's cached messages then reach it.
        const rpc = new SubscribedRpc(channel);
        rpc.subscription = this.watcher.onPostMessageEvent(received => {
            if (pluginHostId === received.pluginHostId) {
                channel.onMessageEmitter.fire(() => new Uint8ArrayReadBuffer(received.message));
            }
        });
        return rpc;
    }
}

class SubscribedRpc extends RPCProtocolImpl {
    subscription: Disposable = Disposable.NULL;

    override dispose(): void {
        this.subscription.dispose();
        super.dispose();
    }
}
