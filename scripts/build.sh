#!/usr/bin/env bash
# Builds everything: TypeScript packages, the Go plugin's grammar, the Theia app, and the compressed frontend.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
t0=$(date +%s)
info "generating gRPC types from proto/ (proto-loader-gen-types)..."
npx --no-install proto-loader-gen-types --longs=String --enums=String --defaults --oneofs --grpcLib=@grpc/grpc-js \
  --outDir=packages/workspace-api/src/generated packages/workspace-api/proto/warren/workspace/v1/workspace.proto > /dev/null
info "compiling TypeScript (tsc -b)..."
npx --no-install tsc -b
info "preparing plugins/go and plugins/json..."
(cd plugins/go && node scripts/copy-grammar.js | sed 's/^/    /')
(cd plugins/json && node scripts/copy-grammar.js | sed 's/^/    /')
info "bundling the IDE (theia build --mode production)..."
(cd browser-app && npx --no-install theia build --mode production 2>&1 | grep -E 'Finished|error|Error' | sed 's/^/    /')
[ -f browser-app/lib/backend/main.js ] || die "theia build did not produce browser-app/lib/backend/main.js"
cp browser-app/resources/favicon.ico browser-app/lib/frontend/favicon.ico
info "compressing the frontend (brotli and gzip)..."
node packages/compressed-frontend/lib/node/compress-cli.js browser-app | grep -v '^  compressing' | sed 's/^/    /'
info "built in $(( $(date +%s) - t0 )) s"
