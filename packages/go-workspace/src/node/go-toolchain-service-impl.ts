import { injectable } from '@theia/core/shared/inversify';
import { describeToolchain, formatGoVersion, ToolchainError } from '@warren/go-toolchain';
import { GoToolchainService, GoToolchainStatus } from '../common/go-toolchain-protocol';

@injectable()
export class GoToolchainServiceImpl implements GoToolchainService {

    async getToolchain(): Promise<GoToolchainStatus> {
        try {
            const { go, tools } = await describeToolchain(process.env);
            return {
                tools: [
                    { name: 'go', path: go.path, version: formatGoVersion(go.version), source: process.env.WARREN_GO ? 'WARREN_GO' : 'PATH' },
                    ...tools.map(t => ({ name: t.name, path: t.path, version: t.version, source: t.source }))
                ]
            };
        } catch (err) {
            if (err instanceof ToolchainError) {
                return { tools: [], error: err.message };
            }
            throw err;
        }
    }
}
