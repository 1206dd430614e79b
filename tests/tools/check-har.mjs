// SPDX-License-Identifier: GPL-3.0-or-later
// Validates HAR files against the HAR 1.2 schema with the npm package har-validator.
// Usage: node check-har.mjs FILE.har...  Exit 0 when every file is valid, 1 when one is not,
// 2 when the validator cannot run (package missing: run `npm ci` in tests/tools).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let validator;
try {
  validator = require('har-validator');
} catch (e) {
  console.error(`check-har: cannot load har-validator (${e.code ?? e.message}); run "npm ci" in tests/tools`);
  process.exit(2);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node check-har.mjs FILE.har...');
  process.exit(2);
}

let failed = false;
for (const file of files) {
  let har;
  try {
    har = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    console.error(`${file}: not JSON: ${e.message}`);
    failed = true;
    continue;
  }
  try {
    await validator.har(har);
    const entries = har.log.entries.length;
    console.log(`${file}: valid HAR 1.2 (${entries} entries)`);
  } catch (e) {
    failed = true;
    for (const error of e.errors ?? [e]) {
      console.error(`${file}: ${error.dataPath ?? error.instancePath ?? ''} ${error.message}`);
    }
  }
}
process.exit(failed ? 1 : 0);
