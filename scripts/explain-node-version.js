// Runs after `npm install`/`npm ci` in this repository. When npm itself runs on a Node older
// than the packages need, npm has already printed an EBADENGINE warning per package; say once
// why that is harmless here and what would silence it. Plain JavaScript: it may run on any Node.
import { readFileSync } from 'node:fs';

const REQUIRED = [22, 12];

const agent = process.env.npm_config_user_agent ?? '';
const match = /\bnode\/v(\d+)\.(\d+)\.\d+/.exec(agent);
if (match) {
  const major = Number(match[1]);
  const minor = Number(match[2]);
  const tooOld = major < REQUIRED[0] || (major === REQUIRED[0] && minor < REQUIRED[1]);
  if (tooOld) {
    const root = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const pinned = root.devDependencies.node;
    process.stdout.write(
      [
        '',
        `koppel: npm ran on Node ${match[0].slice(5)}; Koppel needs Node >= ${REQUIRED.join('.')}.`,
        '  The EBADENGINE warnings above are expected and harmless in this repository: it installs',
        `  Node ${pinned} (the "node" devDependency) and every npm script (npm start, npm test, npx ...)`,
        '  runs on that Node. To run Koppel outside npm scripts, or to silence the warnings,',
        '  install Node 22.12 or newer.',
        '',
      ].join('\n'),
    );
  }
}
