/** Child process entry of the load generator (generator.ts): the setup first, then one answer per job. */
import type { GeneratorJob, GeneratorSetup } from './generator.js';
import { createLoadService } from './generator-service.js';

process.once('message', (setup: GeneratorSetup) => {
  const serve = createLoadService(setup);
  process.on('message', (job: GeneratorJob) => {
    serve(job).then((report) => process.send?.(report));
  });
  process.send?.('ready');
});
process.on('disconnect', () => process.exit(0));
