#!/usr/bin/env bash
# Starts Warren on this machine: the gateway (sign-in, dashboard, one address for every workspace)
# and the workspace manager with the local provider, installing and building what is missing first.
# Prints a one-time login URL.
#   scripts/start.sh [--port N] [--host ADDR] [--template DIR] [-- more "warren serve" options]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT=${WARREN_PORT:-7080}
HOST=127.0.0.1
TEMPLATE=""
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --port) [ $# -ge 2 ] || die "--port needs a number"; PORT=$2; shift 2 ;;
    --port=*) PORT=${1#--port=}; shift ;;
    --host) [ $# -ge 2 ] || die "--host needs an address"; HOST=$2; shift 2 ;;
    --host=*) HOST=${1#--host=}; shift ;;
    --template) [ $# -ge 2 ] || die "--template needs a folder"; TEMPLATE=$2; shift 2 ;;
    --template=*) TEMPLATE=${1#--template=}; shift ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (try --help; options of \"warren serve\" go after --)" ;;
    *) die "$1: scripts/start.sh opens no folder now; it starts Warren, and you create workspaces in its dashboard. To start them from your own files, pass --template $1." ;;
  esac
done

[[ "$PORT" =~ ^[0-9]+$ ]] && [ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || die "--port $PORT is not a TCP port: use a number from 1 to 65535."
DATA=${WARREN_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/warren}

STEPS=6
step "checking Node.js, Go, the template folder and port $PORT"
check_node
check_go
if [ -n "$TEMPLATE" ]; then
  [ -e "$TEMPLATE" ] || die "the template folder $TEMPLATE does not exist. Create it or pass an existing folder."
  [ -d "$TEMPLATE" ] || die "$TEMPLATE is a file, not a folder. Pass the folder of a Go module."
  TEMPLATE=$(cd "$TEMPLATE" && pwd)
else
  TEMPLATE="$ROOT/examples/hello"
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
step "starting Warren"
exec node "$ROOT/packages/cli/lib/main.js" serve --data-dir "$DATA" --port "$PORT" --host "$HOST" --template "$TEMPLATE" "${EXTRA[@]}"
