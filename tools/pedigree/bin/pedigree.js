#!/usr/bin/env node
// Entry point linked as `pedigree` by npm; the CLI itself is compiled to dist/ by the workspace build.
const path = require('node:path');
const fs = require('node:fs');

const main = path.join(__dirname, '..', 'dist', 'main.js');
if (!fs.existsSync(main)) {
  process.stderr.write(
    'pedigree: the CLI is not built yet; run the set-up (bash scripts/test.sh or bash scripts/up.sh) or npm run build\n',
  );
  process.exit(2);
}
require(main);
