// SPDX-License-Identifier: GPL-3.0-or-later
// Lays SVG exports out in a real browser (headless Chromium through playwright-core) and checks
// their text as a reader meets it:
//   - no two <text> boxes overlap (by more than 0.5 px both ways; empty text and zero-size boxes
//     are ignored). Every <text> counts: the same text drawn twice at one place is two labels on
//     top of each other (three clients' identical polls at once), so a halo must be drawn as a
//     background, not as the text again;
//   - with --trace, every message's label from the trace (its recorded `label`) can be found in
//     the SVG's text: whole in one text, across wrapped lines, or named by a bundle's label:
//     "N × LABEL …" covers messages labelled LABEL, "… WORD A–B …" (id 540–562, item 3–9, #4–7)
//     covers the labels holding WORD K for K from A to B.
// Boxes are measured in the SVG's own units (its viewBox: the diagram's pixels): getBBox() mapped
// through getCTM().
//   node check-svg-labels.mjs [--chromium PATH] [--show N] [--trace TRACE.pstrace.jsonl] FILE.svg ...
// A --trace applies to the SVG after it. Prints, per file, the overlapping pairs among the labels
// (the worst first, by overlap area) and the labels it cannot find. Exit 0 when every file is
// clean, 1 when one has an overlap or a missing label, 2 when the check cannot run. Set up once
// with `npm ci` in this folder; the browser is /usr/bin/chromium unless --chromium or
// PATTERNSCOPE_CHROMIUM names another.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const Tolerance = 0.5; // px both ways before two boxes count as overlapping

function usage(message) {
    if (message)
        console.error(`check-svg-labels.mjs: ${message}`);
    console.error('usage: node check-svg-labels.mjs [--chromium PATH] [--show N] [--trace TRACE] FILE.svg ...');
    process.exit(2);
}

// Arguments: the SVGs in order, each with the trace named before it.
const jobs = [];
let chromiumPath = process.env.PATTERNSCOPE_CHROMIUM || '/usr/bin/chromium';
let show = 10;
{
    const args = process.argv.slice(2);
    let trace = null;
    for (let i = 0; i < args.length; ++i) {
        const arg = args[i];
        if (arg === '--trace' || arg === '--chromium' || arg === '--show') {
            if (i + 1 >= args.length)
                usage(`${arg} needs a value`);
            const value = args[++i];
            if (arg === '--trace')
                trace = value;
            else if (arg === '--chromium')
                chromiumPath = value;
            else if (!(Number(value) >= 0))
                usage(`--show: '${value}' is not a count`);
            else
                show = Number(value);
        } else if (arg.startsWith('--')) {
            usage(`unknown option ${arg}`);
        } else {
            jobs.push({ svg: arg, trace });
            trace = null;
        }
    }
    if (jobs.length === 0)
        usage('no SVG given');
}

let chromium;
try {
    ({ chromium } = await import('playwright-core'));
} catch (error) {
    console.error(`check-svg-labels.mjs: ${error.message}\nInstall the packages: cd tests/tools && npm ci`);
    process.exit(2);
}

const normalize = (text) => text.replace(/\s+/g, ' ').trim();

// Whether `label` occurs in `text` as a whole: not as the start of a longer number or word
// ('GET /updates?since=1' is not in 'GET /updates?since=10').
function containsWhole(text, label) {
    const word = /[\p{L}\p{N}]/u;
    for (let at = text.indexOf(label); at >= 0; at = text.indexOf(label, at + 1)) {
        const before = at > 0 ? text[at - 1] : '';
        const after = text[at + label.length] ?? '';
        const startsWord = word.test(label[0]);
        const endsWord = word.test(label[label.length - 1]);
        if (!(startsWord && before && word.test(before)) && !(endsWord && after && word.test(after)))
            return true;
    }
    return false;
}

// In the page: every <text> with its box in the root's user units, in document order.
function measureTexts() {
    const root = document.documentElement;
    const toRoot = (element) => {
        // getCTM maps to the nearest viewport (the root <svg>); nested <svg>s would need more.
        const m = element.getCTM();
        return m ?? root.createSVGMatrix();
    };
    const out = [];
    for (const element of document.querySelectorAll('text')) {
        const text = element.textContent ?? '';
        let box;
        try {
            box = element.getBBox();
        } catch {
            continue;
        }
        const m = toRoot(element);
        const corners = [
            [box.x, box.y],
            [box.x + box.width, box.y],
            [box.x, box.y + box.height],
            [box.x + box.width, box.y + box.height],
        ].map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
        const xs = corners.map((c) => c[0]);
        const ys = corners.map((c) => c[1]);
        const left = Math.min(...xs);
        const top = Math.min(...ys);
        out.push({ text, x: left, y: top, w: Math.max(...xs) - left, h: Math.max(...ys) - top });
    }
    return out;
}

// Overlapping pairs, by a sweep over left edges: [{ a, b, w, h }] with the overlap's size.
function overlaps(labels) {
    const order = labels.map((_, i) => i).sort((i, j) => labels[i].x - labels[j].x);
    const pairs = [];
    for (let k = 0; k < order.length; ++k) {
        const a = labels[order[k]];
        for (let m = k + 1; m < order.length; ++m) {
            const b = labels[order[m]];
            if (b.x >= a.x + a.w - Tolerance)
                break;
            const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
            const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
            if (w > Tolerance && h > Tolerance)
                pairs.push({ a, b, w, h });
        }
    }
    return pairs.sort((p, q) => q.w * q.h - p.w * p.h);
}

// The messages of a trace file that carry a label.
async function traceLabels(path) {
    const labels = [];
    const lines = (await readFile(path, 'utf8')).split('\n');
    for (const line of lines) {
        if (!line.trim())
            continue;
        let record;
        try {
            record = JSON.parse(line);
        } catch {
            continue; // a truncated last line, as the app's reader skips it
        }
        if (record.t === 'message' && typeof record.label === 'string' && normalize(record.label))
            labels.push({ seq: record.seq, label: normalize(record.label) });
    }
    return labels;
}

// What bundle labels in the SVG cover: "N × LABEL" and "WORD A–B" ranges.
function bundleCovers(texts) {
    const repeats = []; // LABEL of "N × LABEL (…)"
    const ranges = []; // { word, from, to }
    for (const text of texts) {
        const repeat = /(\d+)\s*[×x]\s+(.+)$/u.exec(text);
        if (repeat) {
            const label = repeat[2].replace(/\s*\([^()]*\)\s*$/u, '').trim();
            if (label)
                repeats.push(label);
        }
        for (const range of text.matchAll(/(#|[\p{L}]+)\s?(\d+)\s*[–-]\s*(\d+)/gu)) {
            const from = Number(range[2]);
            const to = Number(range[3]);
            if (from <= to)
                ranges.push({ word: range[1], from, to });
        }
    }
    return (label) => {
        for (const repeated of repeats) {
            if (label === repeated || label.startsWith(repeated + ' '))
                return true;
        }
        for (const { word, from, to } of ranges) {
            const pattern = new RegExp(`(?:^|[^\\p{L}])${word === '#' ? '#' : word}\\s?(\\d+)(?!\\d)`, 'gu');
            for (const m of label.matchAll(pattern)) {
                const k = Number(m[1]);
                if (k >= from && k <= to)
                    return true;
            }
        }
        return false;
    };
}

function describe(label) {
    return `'${label.text}' at (${label.x.toFixed(1)},${label.y.toFixed(1)},${label.w.toFixed(1)},${label.h.toFixed(1)})`;
}

let browser;
try {
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true });
} catch (error) {
    console.error(`check-svg-labels.mjs: cannot start ${chromiumPath}: ${error.message}`);
    process.exit(2);
}

let failed = false;
let broken = false;
try {
    const page = await browser.newPage();
    for (const { svg, trace } of jobs) {
        try {
            await page.goto(pathToFileURL(resolve(svg)).href, { waitUntil: 'load' });
        } catch (error) {
            console.error(`${svg}: cannot open: ${error.message}`);
            broken = true;
            continue;
        }
        const measured = await page.evaluate(measureTexts);
        const visible = measured
            .map((l) => ({ ...l, text: normalize(l.text) }))
            .filter((l) => l.text && l.w > 0 && l.h > 0);
        const pairs = overlaps(visible);
        let summary = `${svg}: ${pairs.length} overlapping pairs among ${visible.length} labels`;

        let missing = [];
        let messageCount = 0;
        if (trace) {
            const messages = await traceLabels(trace);
            messageCount = messages.length;
            const texts = visible.map((l) => l.text);
            // In document order: a label wrapped over lines is found with its lines joined.
            const joinedSpace = texts.join(' ');
            const joinedTight = texts.join('');
            const covered = bundleCovers(texts);
            const whole = new Set(texts);
            missing = messages.filter(({ label }) => !whole.has(label) && !texts.some((t) => containsWhole(t, label))
                && !containsWhole(joinedSpace, label) && !containsWhole(joinedTight, label) && !covered(label));
            summary += `; ${messageCount - missing.length} of ${messageCount} message labels found`;
            if (missing.length)
                summary += `, ${missing.length} missing`;
        }
        console.log(summary);
        if (pairs.length) {
            console.log(`  worst overlaps${pairs.length > show ? ` (${show} of ${pairs.length})` : ''}:`);
            for (const { a, b, w, h } of pairs.slice(0, show))
                console.log(`    ${describe(a)} overlaps ${describe(b)} by ${w.toFixed(1)}×${h.toFixed(1)}`);
        }
        if (missing.length) {
            console.log(`  labels not found${missing.length > show ? ` (${show} of ${missing.length})` : ''}:`);
            for (const { seq, label } of missing.slice(0, show))
                console.log(`    message ${seq}: '${label}'`);
        }
        if (pairs.length || missing.length)
            failed = true;
    }
} finally {
    await browser.close();
}
process.exit(broken ? 2 : failed ? 1 : 0);
