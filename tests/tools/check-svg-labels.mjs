// SPDX-License-Identifier: GPL-3.0-or-later
// Lays SVG exports out in a real browser (headless Chromium through playwright-core) and checks
// their text as a reader meets it:
//   - no two <text> boxes overlap (by more than 0.5 px both ways; empty text and zero-size boxes
//     are ignored). Every <text> counts: the same text drawn twice at one place is two labels on
//     top of each other (three clients' identical polls at once), so a halo must be drawn as a
//     background, not as the text again;
//   - with --trace, every message's label from the trace (its recorded `label`) can be found in
//     the SVG's text: whole in one text, across wrapped lines, or named by a bundle's label in the
//     grammar of widgets/bundletext.h ("23 × event: message · id 540–562" names "event: message ·
//     id 545"; "3 × GET /updates?since=0 (Client 1–3)" the three polls). A bundle that names a
//     label only through its "…" has lost the text: that label counts as not found.
// Boxes are measured in the SVG's own units (its viewBox: the diagram's pixels): getBBox() mapped
// through getCTM().
//   node check-svg-labels.mjs [--chromium PATH] [--show N] [--trace TRACE.pstrace.jsonl] FILE.svg ...
// A --trace applies to the SVG after it; --show N prints at most N offenders of each kind (10;
// 0: the summary line only). Prints, per file, the overlapping pairs among the labels
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

// Bundle labels, in the grammar of widgets/bundletext.h: parts joined by " + ", each "[N × ]pattern",
// then maybe " + N more" and " (names)". A pattern is tokens split at spaces: a literal, a numbered
// range "prefix MIN–MAX suffix", whole or decimal (id 540–562, #3–14, since=0–3, 37.19–39.68),
// alternatives "a/b/c", or "…" for one token or more. A pattern that needs its "…" to name a label has lost that label's text: it
// counts as not found (reported apart as "only as a '…'", as are labels elided to a lone "…").
const Anything = '\u2026';

function bundleParts(text) {
    const parts = [];
    const bodies = [text];
    const names = /\s\([^()]*\)$/u;
    if (names.test(text))
        bodies.push(text.replace(names, '')); // the lifelines, unless the label itself ends so
    for (const body of bodies) {
        for (let part of body.split(' + ')) {
            if (/^\d+ more$/u.test(part))
                continue;
            part = part.replace(/^\d+ \u00d7 /u, '');
            const tokens = part.split(' ').filter((t) => t);
            if (tokens.length)
                parts.push(tokens);
        }
    }
    return parts;
}

function tokenNames(pattern, token) {
    if (pattern === token)
        return true;
    const range = /^(\D*)(\d{1,15}(?:\.\d{1,15})?)\u2013(\d{1,15}(?:\.\d{1,15})?)(\D*)$/u.exec(pattern);
    if (range) {
        const n = /^(\D*)(\d{1,15}(?:\.\d{1,15})?)(\D*)$/u.exec(token);
        return !!n && n[1] === range[1] && n[3] === range[4] && Number(n[2]) >= Number(range[2])
            && Number(n[2]) <= Number(range[3]);
    }
    return pattern.includes('/') && !token.includes('/') && pattern.split('/').includes(token);
}

// Whether pattern tokens p[i..] name label tokens t[j..]; "…" (when allowed) takes one token or more.
function tokensName(p, i, t, j, loose) {
    if (i === p.length)
        return j === t.length;
    if (p[i] === Anything) {
        if (!loose)
            return false;
        for (let k = j + 1; k <= t.length; ++k) {
            if (tokensName(p, i + 1, t, k, loose))
                return true;
        }
        return false;
    }
    return j < t.length && tokenNames(p[i], t[j]) && tokensName(p, i + 1, t, j + 1, loose);
}

// From every text, and every two or three texts in a row (a wrapped bundle label): a test of
// whether some bundle names a label, strictly or only through "…".
function bundleNamer(texts) {
    const parts = [];
    const seen = new Set();
    const add = (text) => {
        if (seen.has(text) || !(text.includes('\u00d7') || text.includes('\u2013') || text.includes('/')
            || text.includes(Anything)))
            return;
        seen.add(text);
        parts.push(...bundleParts(text));
    };
    for (let i = 0; i < texts.length; ++i) {
        add(texts[i]);
        if (i + 1 < texts.length)
            add(`${texts[i]} ${texts[i + 1]}`);
        if (i + 2 < texts.length)
            add(`${texts[i]} ${texts[i + 1]} ${texts[i + 2]}`);
    }
    const strict = parts.filter((p) => !p.includes(Anything));
    const loose = parts.filter((p) => p.includes(Anything));
    return (label) => {
        const tokens = label.split(' ').filter((t) => t);
        if (strict.some((p) => tokensName(p, 0, tokens, 0, false)))
            return 'bundle';
        if (loose.some((p) => tokensName(p, 0, tokens, 0, true)))
            return 'loose';
        return null;
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
            const named = bundleNamer(texts);
            const whole = new Set(texts);
            let inBundles = 0;
            for (const message of messages) {
                const { label } = message;
                if (whole.has(label) || texts.some((t) => containsWhole(t, label)) || containsWhole(joinedSpace, label)
                    || containsWhole(joinedTight, label))
                    continue;
                const how = named(label);
                if (how === 'bundle') {
                    ++inBundles;
                    continue;
                }
                missing.push({ ...message, loose: how === 'loose' });
            }
            summary += `; ${messageCount - missing.length} of ${messageCount} message labels found`;
            if (inBundles)
                summary += ` (${inBundles} in bundle labels)`;
            if (missing.length) {
                const loose = missing.filter((m) => m.loose).length;
                summary += `, ${missing.length} missing`;
                if (loose)
                    summary += ` (${loose} of them only as a '…')`;
            }
        }
        console.log(summary);
        if (pairs.length && show > 0) {
            console.log(`  worst overlaps${pairs.length > show ? ` (${show} of ${pairs.length})` : ''}:`);
            for (const { a, b, w, h } of pairs.slice(0, show))
                console.log(`    ${describe(a)} overlaps ${describe(b)} by ${w.toFixed(1)}×${h.toFixed(1)}`);
        }
        if (missing.length && show > 0) {
            console.log(`  labels not found${missing.length > show ? ` (${show} of ${missing.length})` : ''}:`);
            for (const { seq, label, loose } of missing.slice(0, show))
                console.log(`    message ${seq}: '${label}'${loose ? ' (only as a \'…\')' : ''}`);
        }
        if (pairs.length || missing.length)
            failed = true;
    }
} finally {
    await browser.close();
}
process.exit(broken ? 2 : failed ? 1 : 0);
