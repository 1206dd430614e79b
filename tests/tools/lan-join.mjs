// SPDX-License-Identifier: GPL-3.0-or-later
// A class joins a run over the LAN, on loopback: `patternscope serve server-sent-events --lan --listen
// 127.0.0.1` and 30 students in headless Chromium (through playwright-core; one browser, a context
// each). Checks that
//   - every request without the join token, or with a wrong one, is answered 403: the join page, an
//     endpoint, a WebSocket upgrade;
//   - all 30 join with the names they type and each one's page receives items;
//   - the trace has the 30 students as lifelines by their names (two typed the same one: the second is
//     "NAME (2)"), and the token is nowhere in it;
//   - a second run with small limits answers 429 beyond --max-per-address and 503 beyond
//     --max-clients, both with Retry-After (other loopback addresses, 127.0.0.2 and .3, are other
//     addresses to the door).
//   node lan-join.mjs PATTERNSCOPE_BINARY WORKDIR
// Exit 0 when all holds, 1 when something does not, 2 when the check cannot run.
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';

const Students = 30;
const [binary, workdir] = process.argv.slice(2);
if (!binary || !workdir) {
    console.error('usage: node lan-join.mjs PATTERNSCOPE_BINARY WORKDIR');
    process.exit(2);
}
const chromiumPath = process.env.PATTERNSCOPE_CHROMIUM || '/usr/bin/chromium';
let failures = 0;
function check(condition, what) {
    if (!condition) {
        ++failures;
        console.error(`FAIL: ${what}`);
    } else {
        console.log(`ok: ${what}`);
    }
}

// Starts a served run and resolves with the join URL it prints.
function serve(args, trace) {
    const child = spawn(binary, ['serve', 'server-sent-events', '--lan', '--listen', '127.0.0.1', '--quiet',
        '--set', 'produce=200ms', '--set', 'latency=20ms', '--duration', '170s', '-o', trace, ...args],
        { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = new Promise(resolve => child.on('exit', code => resolve(code)));
    const url = new Promise((resolve, reject) => {
        child.stdout.on('data', chunk => {
            output += chunk;
            const match = output.match(/http:\/\/127\.0\.0\.1:\d+\/join\?token=[A-Za-z0-9_-]+/);
            if (match)
                resolve(match[0]);
        });
        child.stderr.on('data', chunk => process.stderr.write(chunk));
        exited.then(code => reject(new Error(`serve exited with ${code} before printing a join URL:\n${output}`)));
    });
    return { child, url, exited, output: () => output };
}

// One HTTP request: resolves with the status and headers as soon as the answer's head is in.
function request(url, { localAddress, headers, keep } = {}) {
    return new Promise((resolve, reject) => {
        const req = http.get(url, { localAddress, headers, agent: false }, response => {
            resolve({ status: response.statusCode, headers: response.headers, close: () => req.destroy() });
            if (!keep)
                response.resume();
        });
        req.on('error', reject);
        req.on('upgrade', response => resolve({ status: response.statusCode, headers: response.headers,
            close: () => req.destroy() }));
        req.setTimeout(10000, () => req.destroy(new Error(`no answer from ${url}`)));
    });
}

async function classJoins(chromium) {
    const trace = join(workdir, 'class.pstrace.jsonl');
    const run = serve(['--max-clients', '60', '--max-per-address', '60'], trace);
    const joinUrl = await run.url;
    const base = joinUrl.slice(0, joinUrl.indexOf('/join'));
    const token = new URL(joinUrl).searchParams.get('token');
    check(token.length === 22, 'the join token is 128 bits in base64url (22 characters)');

    // The door without the token, or with a wrong one.
    for (const [what, url, headers] of [
        ['the join page without the token', `${base}/join`],
        ['the join page with a wrong token', `${base}/join?token=${token[0] === 'A' ? 'B' : 'A'}${token.slice(1)}`],
        ['an endpoint without the token', `${base}/events?client=mallory`],
        ['an endpoint with a wrong token', `${base}/events?client=mallory&token=nope`],
        ['a WebSocket upgrade without the token', `${base}/events`,
            { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
                'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' }],
    ]) {
        const answer = await request(url, { headers });
        check(answer.status === 403, `${what}: 403 (got ${answer.status})`);
    }

    // The students' pages share a few renderers (one site), which keeps 30 of them light on a small machine.
    const browser = await chromium.launch({ executablePath: chromiumPath, headless: true,
        args: ['--disable-gpu', '--disable-dev-shm-usage', '--renderer-process-limit=4'] });
    const joinStart = Date.now();
    console.log(`(browser up after ${((joinStart - started) / 1000).toFixed(1)} s)`);
    try {
        // The last student types the first one's name: two pages, two lifelines.
        const names = Array.from({ length: Students }, (_, i) => `student-${String(i + 1).padStart(2, '0')}`);
        names[Students - 1] = names[0];
        const pages = await Promise.all(names.map(async name => {
            const context = await browser.newContext();
            const page = await context.newPage();
            await page.goto(joinUrl);
            await page.fill('#name', name);
            await page.click('#go');
            return page;
        }));
        // Every page gets items: at least two each, so one is a pushed one, not a lucky first.
        const received = await Promise.all(pages.map(page => page
            .waitForFunction(() => window.joinState.received >= 2, null, { timeout: 60000 })
            .then(() => page.evaluate(() => window.joinState.received), () => 0)));
        console.log(`(the class joined and received within ${((Date.now() - joinStart) / 1000).toFixed(1)} s)`);
        const short = received.filter(n => n < 2).length;
        check(short === 0, `all ${Students} students received items (${short} did not; least ${Math.min(...received)})`);
    } finally {
        await browser.close();
    }

    const stopStart = Date.now();
    run.child.kill('SIGINT');
    const code = await run.exited;
    console.log(`(serve stopped in ${((Date.now() - stopStart) / 1000).toFixed(1)} s)`);
    check(code === 0, `serve stopped cleanly (exit ${code})`);
    const text = await readFile(trace, 'utf8');
    check(!text.includes(token), 'the token appears nowhere in the trace');
    const lines = text.split('\n').filter(Boolean).map(line => JSON.parse(line));
    const participants = lines.filter(l => l.t === 'participant');
    const student = /^student-\d\d( \(2\))?$/;
    const students = new Set(participants.map(p => p.name).filter(n => student.test(n)));
    check(students.size === Students, `the trace has ${Students} student lifelines by their names (${students.size})`);
    check(students.has('student-01') && students.has('student-01 (2)'),
        'two students who typed one name are two lifelines: student-01 and student-01 (2)');
    const others = participants.filter(p => p.name !== 'Server' && !student.test(p.name)).map(p => p.name);
    check(others.length === 0, `no other lifelines (${others.join(', ') || 'none'})`);
    check(/the door gave out (\d+) join pages/.test(run.output()) && Number(RegExp.$1) === Students,
        `the door counted ${Students} join pages`);
    // The five requests above, and nothing the pages asked for by themselves (a favicon, say).
    check(/turned away (\d+) requests without the right token/.test(run.output()) && Number(RegExp.$1) === 5,
        `the door turned away only the 5 requests made without the token (${RegExp.$1})`);
}

async function limits() {
    const trace = join(workdir, 'limits.pstrace.jsonl');
    const run = serve(['--max-clients', '3', '--max-per-address', '2'], trace);
    const joinUrl = await run.url;
    const base = joinUrl.slice(0, joinUrl.indexOf('/join'));
    const token = new URL(joinUrl).searchParams.get('token');
    const stream = from => request(`${base}/events?client=${from}&token=${token}`, { localAddress: from, keep: true });
    const open = [await stream('127.0.0.1'), await stream('127.0.0.1')];
    check(open.every(a => a.status === 200), 'two streams from one address are let in');
    const third = await stream('127.0.0.1');
    check(third.status === 429 && third.headers['retry-after'] === '5',
        `a third from the same address: 429 with Retry-After (got ${third.status}, ${third.headers['retry-after']})`);
    open.push(await stream('127.0.0.2'));
    check(open[2].status === 200, 'one from another address is let in (3 in all)');
    const fourth = await stream('127.0.0.3');
    check(fourth.status === 503 && fourth.headers['retry-after'] === '5',
        `a fourth in all: 503 with Retry-After (got ${fourth.status}, ${fourth.headers['retry-after']})`);
    for (const answer of open)
        answer.close();
    run.child.kill('SIGINT');
    await run.exited;
}

let chromium;
try {
    ({ chromium } = await import('playwright-core'));
} catch (error) {
    console.error(`lan-join.mjs: playwright-core is missing (npm ci in tests/tools): ${error.message}`);
    process.exit(2);
}
await rm(workdir, { recursive: true, force: true });
await mkdir(workdir, { recursive: true });
const started = Date.now();
try {
    await classJoins(chromium);
    await limits();
} catch (error) {
    console.error(`lan-join.mjs: ${error.stack || error}`);
    process.exit(2);
}
console.log(`${failures ? 'FAILED' : 'passed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failures ? 1 : 0);
