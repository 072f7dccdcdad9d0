'use strict';
// npm prepack/postpack: copies the repository's proto/infinitedb/ into the
// package (so that a packed or installed package carries its API), and with
// --remove deletes the copy again, so that a checkout keeps reading the
// repository's protos rather than a stale copy.

const fs = require('node:fs');
const path = require('node:path');

const packageDir = path.join(__dirname, '..');
const source = path.join(packageDir, '..', '..', 'proto', 'infinitedb');
const target = path.join(packageDir, 'proto');

fs.rmSync(target, { recursive: true, force: true });
if (process.argv.includes('--remove')) process.exit(0);
if (!fs.existsSync(path.join(source, 'v1', 'records.proto'))) {
  console.error(`copy-protos: ${source} has no v1/records.proto; pack from ` +
      'a checkout of the repository (client/node)');
  process.exit(1);
}
fs.mkdirSync(target, { recursive: true });
fs.cpSync(source, path.join(target, 'infinitedb'), {
  recursive: true,
  filter: (file) => fs.statSync(file).isDirectory() || file.endsWith('.proto'),
});
console.log(`copy-protos: copied ${source} into ${target}`);
