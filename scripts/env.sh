# Sourced by the scripts: puts the tools of scripts/setup.sh on PATH.
TOOLS="${XINGQI_TOOLS:-$HOME/.cache/xingqi-tools}"
export PATH="$TOOLS/bin:$TOOLS/node/node_modules/.bin:$PATH"
