// SPDX-License-Identifier: GPL-3.0-or-later
// Checks that Mermaid accepts diagrams: `node check-mermaid.mjs FILE...` parses each file with the
// real mermaid package (in a jsdom window, as in a browser) and exits non-zero naming the first
// file it refuses and Mermaid's error, or a file over Mermaid's size limit (maxTextSize).
// Set up once with `npm ci` in this folder.
import { readFile } from 'node:fs/promises';

const files = process.argv.slice(2);
if (files.length === 0) {
    console.error('usage: node check-mermaid.mjs FILE.mmd...');
    process.exit(2);
}

let JSDOM, createDOMPurify, mermaid;
try {
    ({ JSDOM } = await import('jsdom'));
    ({ default: createDOMPurify } = await import('dompurify'));
    ({ default: mermaid } = await import('mermaid'));
} catch (error) {
    console.error(`check-mermaid.mjs: ${error.message}\nInstall the packages: cd tests/tools && npm ci`);
    process.exit(1);
}
// Mermaid expects a browser: give it jsdom's window and a DOMPurify bound to it.
const { window } = new JSDOM('<!DOCTYPE html><html><body></body></html>');
globalThis.window = window;
globalThis.document = window.document;
globalThis.DOMPurify = createDOMPurify(window);
mermaid.initialize({ startOnLoad: false });

let failed = 0;
for (const file of files) {
    const text = await readFile(file, 'utf8');
    // mermaid.render() draws an error box instead of a diagram over maxTextSize; parse() does not check.
    const limit = mermaid.mermaidAPI.getConfig().maxTextSize ?? 50000;
    if (text.length > limit) {
        console.error(`${file}: ${text.length} characters, over Mermaid's maxTextSize of ${limit}`);
        failed++;
        continue;
    }
    try {
        await mermaid.parse(text);
        console.log(`${file}: ok (${text.length} characters)`);
    } catch (error) {
        console.error(`${file}: mermaid refuses it: ${error?.message ?? error}`);
        failed++;
    }
}
process.exit(failed ? 1 : 0);
