// The port every pod's forwarded ports land on in the real control plane: kwok's
// ClusterPortForward dials 127.0.0.1:<port> (see harness.ts), and this process answers there
// with the same echo/HTTP listener the simulated fleet uses per container port.
import { startEchoListener } from '../../src/sim/echo.js';

const arg = process.argv.find((a) => a.startsWith('--port='));
const port = Number(arg?.slice('--port='.length));
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: echo-target.ts --port=N');
  process.exit(2);
}
const l = await startEchoListener('kwok port-forward target', port);
console.log(`echo target listening on 127.0.0.1:${l.port}`);
