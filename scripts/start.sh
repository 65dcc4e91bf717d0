#!/usr/bin/env bash
# Starts the Warren IDE on this machine, installing and building what is missing first.
#   scripts/start.sh [--port N] [--host ADDR] [WORKSPACE_FOLDER]
# Without a folder it opens a sample Go module copied into Warren's data folder.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT=${WARREN_PORT:-3000}
HOST=127.0.0.1
WORKSPACE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --port) [ $# -ge 2 ] || die "--port needs a number"; PORT=$2; shift 2 ;;
    --port=*) PORT=${1#--port=}; shift ;;
    --host) [ $# -ge 2 ] || die "--host needs an address"; HOST=$2; shift 2 ;;
    --host=*) HOST=${1#--host=}; shift ;;
    -h|--help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (try --help)" ;;
    *) [ -z "$WORKSPACE" ] || die "only one workspace folder can be given"; WORKSPACE=$1; shift ;;
  esac
done

[[ "$PORT" =~ ^[0-9]+$ ]] && [ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || die "--port $PORT is not a TCP port: use a number from 1 to 65535."
DATA=${WARREN_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/warren}

STEPS=6
step "checking Node.js, Go, the workspace folder and port $PORT"
check_node
check_go
if [ -n "$WORKSPACE" ]; then
  [ -e "$WORKSPACE" ] || die "the workspace folder $WORKSPACE does not exist. Create it or pass an existing folder."
  [ -d "$WORKSPACE" ] || die "$WORKSPACE is a file, not a folder. Pass the folder of a Go module."
  WORKSPACE=$(cd "$WORKSPACE" && pwd)
fi
if (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; then
  die "port $PORT on $HOST is already in use. Stop what listens there, or start with --port N."
fi
step "system packages"
ensure_system_packages
step "npm packages"
ensure_npm_packages
step "build"
ensure_build
step "Go tools (gopls, dlv)"
ensure_go_tools
step "starting the IDE"
if [ -z "$WORKSPACE" ]; then
  WORKSPACE="$DATA/workspaces/hello"
  if [ ! -d "$WORKSPACE" ]; then
    mkdir -p "$(dirname "$WORKSPACE")" && cp -r "$ROOT/examples/hello" "$WORKSPACE"
    info "copied the sample module to $WORKSPACE"
  fi
fi
exec node "$ROOT/packages/ide-launcher/lib/cli.js" --workspace "$WORKSPACE" --config-dir "$DATA/ide-config" \
  --port "$PORT" --host "$HOST" --log "$DATA/logs/ide.log"
