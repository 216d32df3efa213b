#!/usr/bin/env bash
# Test-only tools that do not come from pip or apt: Ace by DAISY (EPUB accessibility checker).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/ace ]; then
  PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --silent --prefix . @daisy/ace-cli@1.4.6
fi
