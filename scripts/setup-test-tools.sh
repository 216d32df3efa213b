#!/usr/bin/env bash
# Test-only tools that do not come from pip or apt: Ace by DAISY (EPUB accessibility checker), and axe-core
# (the web edition's accessibility check: tests/test_web.py injects node_modules/axe-core/axe.min.js into the page).
# Ace drives Debian's chromium through puppeteer (PUPPETEER_EXECUTABLE_PATH, set by tests/epubtools.py),
# so puppeteer's own browser download is skipped. ace-cli 1.4.6 itself launches chromium with
# --no-sandbox --disable-setuid-sandbox, so it also runs as root. Its command is node_modules/.bin/ace-cli.
set -euo pipefail
cd "$(dirname "$0")/.."
AXE_VERSION=4.14.1
if [ ! -x node_modules/.bin/ace-cli ] || ! grep -q "\"version\": \"$AXE_VERSION\"" node_modules/axe-core/package.json 2>/dev/null; then
  # --no-save/--no-package-lock: no package.json or lock file appears in the book project. Both in one install:
  # without a package.json, npm removes what an earlier install put there.
  PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --silent --no-save --no-package-lock \
    --prefix . @daisy/ace-cli@1.4.6 "axe-core@$AXE_VERSION"
fi
test -x node_modules/.bin/ace-cli
test -f node_modules/axe-core/axe.min.js
