/* eslint-disable no-console */ // a command-line script: the console is its output
// Packs every workspace package as `npm publish` would (prepack rewrites main, types and exports to dist/,
// postpack restores them) and fails unless what an app would import is in the tarball: each entry point of the
// packed package.json, its types, and the config schema. Build first (`npm run build`).
//   node scripts/check-pack.mjs             (npm run check:pack)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const packages = fs.readdirSync(path.join(root, 'plugins')).map(dir => path.join(root, 'plugins', dir));

function targets(manifest) {
  const found = [manifest.main, manifest.types];
  // Conditions map to files, except `backstage` (the kind of feature an entry point exports).
  const walk = value => {
    if (typeof value === 'string') found.push(value);
    else if (value && typeof value === 'object') {
      Object.entries(value).forEach(([condition, target]) => condition !== 'backstage' && walk(target));
    }
  };
  walk(manifest.exports ?? {});
  return found.filter(Boolean).map(file => path.normalize(file));
}

let failures = 0;
for (const dir of packages) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ik-pack-'));
  try {
    execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    const [tarball] = fs.readdirSync(out).filter(name => name.endsWith('.tgz'));
    execFileSync('tar', ['-xzf', path.join(out, tarball), '-C', out]);
    const unpacked = path.join(out, 'package');
    const manifest = JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8'));
    const missing = targets(manifest).filter(file => !fs.existsSync(path.join(unpacked, file)));
    if (manifest.configSchema && !fs.existsSync(path.join(unpacked, manifest.configSchema))) {
      missing.push(manifest.configSchema);
    }
    const sources = targets(manifest).filter(file => file.startsWith('src'));
    if (missing.length || sources.length) {
      failures += 1;
      console.error(`${manifest.name}: the tarball lacks ${[...missing, ...sources].join(', ')}`);
    } else {
      console.log(`${manifest.name}: ${tarball} holds every entry point (${targets(manifest).length})`);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}
process.exit(failures ? 1 : 0);
