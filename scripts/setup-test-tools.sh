#!/usr/bin/env bash
# Test-only tools that do not come from pip or apt: Ace by DAISY (EPUB accessibility checker).
# Ace drives Debian's chromium through puppeteer (PUPPETEER_EXECUTABLE_PATH, set by tests/epubtools.py),
# so puppeteer's own browser download is skipped. ace-cli 1.4.6 itself launches chromium with
# --no-sandbox --disable-setuid-sandbox, so it also runs as root. Its command is node_modules/.bin/ace-cli.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/ace-cli ]; then
  # --no-save/--no-package-lock: no package.json or lock file appears in the book project.
  PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --silent --no-save --no-package-lock \
    --prefix . @daisy/ace-cli@1.4.6
fi
test -x node_modules/.bin/ace-cli
