import { writeFileSync } from 'node:fs';
import { STANDARD_FEATURES } from './src/app/features.ts';
import { createHub } from './src/cli/hub.ts';
import { loadConfig } from './src/config/config.ts';

const hub = await createHub(loadConfig({ KOPPEL_DATA_DIR: 'memory://', KOPPEL_LOG_LEVEL: 'silent' }), {
  features: STANDARD_FEATURES,
});
const r = await hub.app.inject({ method: 'GET', url: '/api/openapi.json' });
writeFileSync(process.argv[2]!, JSON.stringify(JSON.parse(r.body), null, 2));
await hub.close();
