#!/usr/bin/env bash
# Install what the dashboard browser tests and screenshots need from Debian's packages:
# chromium (driven headless through Playwright, never downloaded by a test tool) and CJK fonts
# so Chinese labels render. Does nothing when both are already there.
set -euo pipefail

installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}
need=()
command -v chromium >/dev/null 2>&1 && installed chromium || need+=(chromium)
installed fonts-noto-cjk || need+=(fonts-noto-cjk)
if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo_cmd=(sudo)
    else
        echo "install_browser: need root to run: apt-get install -y ${need[*]}" >&2
        exit 2
    fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "install_browser: apt-get install ${need[*]}"
if ! "${sudo_cmd[@]}" apt-get install -y -q "${need[@]}" >/dev/null; then
    "${sudo_cmd[@]}" apt-get update -q >/dev/null
    "${sudo_cmd[@]}" apt-get install -y -q "${need[@]}" >/dev/null
fi
chromium --version 2>/dev/null
