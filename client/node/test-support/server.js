'use strict';
// Starts a real infdb-server (the binary named by $INFDB_SERVER) on a free
// loopback port with a fresh data directory, for the tests in test/. It lives
// outside test/ because `node --test` runs every .js file under test/.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// How long the server may take to print its address, and to exit on
// SIGTERM before it is killed.
const kStartTimeoutMs = 10000;
const kStopTimeoutMs = 10000;

function serverBinary() {
  const binary = process.env.INFDB_SERVER;
  if (!binary) {
    throw new Error('set INFDB_SERVER to the infdb-server binary ' +
        '(run-tests.sh SERVER_BINARY does)');
  }
  if (!fs.existsSync(binary)) throw new Error(`INFDB_SERVER=${binary} does not exist`);
  return binary;
}

// Resolves with { endpoint, stop() } once the server prints
// "listening on HOST:PORT" (as `--listen=...:0` makes it do on stdout).
async function startServer(extraFlags = []) {
  const binary = serverBinary();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'infdb-node-'));
  const child = spawn(binary, [
    `--data-dir=${path.join(workDir, 'data')}`, '--listen=127.0.0.1:0',
    ...extraFlags,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const endpoint = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail('did not print its address'),
        kStartTimeoutMs);
    function fail(why) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`infdb-server ${why}; its output:\n${output}`));
    }
    function onData(chunk) {
      output += chunk;
      const match = /listening on (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    }
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error) => fail(`could not start: ${error.message}`));
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal})`));
  });

  async function stop() {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), kStopTimeoutMs);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(workDir, { recursive: true, force: true });
    return { code: child.exitCode, signal: child.signalCode, output };
  }
  return { endpoint, stop };
}

module.exports = { startServer };
