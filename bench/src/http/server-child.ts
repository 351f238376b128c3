/**
 * Child process entry: one HTTP server, configured by the first IPC message, answering its port;
 * then it answers each `CPU_QUESTION` with the CPU time it has used.
 */
import type { AddressInfo } from 'node:net';
import { listenExpress } from './express-app.js';
import { listenFastify } from './fastify-app.js';
import { CPU_QUESTION, type ServerConfig, type ServerCpu, type ServerReady } from './server-config.js';

async function start(config: ServerConfig): Promise<number> {
  if (config.framework === 'express') {
    const server = await listenExpress(config);
    return (server.address() as AddressInfo).port;
  }
  const app = await listenFastify(config);
  return (app.server.address() as AddressInfo).port;
}

function answerCpuQuestions(): void {
  process.on('message', (question: unknown) => {
    if (question !== CPU_QUESTION) return;
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuMicroseconds: user + system } satisfies ServerCpu);
  });
}

process.once('message', (config: ServerConfig) => {
  start(config).then(
    (port) => {
      answerCpuQuestions();
      process.send?.({ port } satisfies ServerReady);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
process.on('disconnect', () => process.exit(0));
