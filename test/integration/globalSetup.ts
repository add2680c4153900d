// Mocha global fixtures of the integration level (plain Node): servers start lazily in services.ts and all stop here,
// after the last test, whether tests passed or not.
import { serviceRunDir, stopServices } from './services';

/** Creates the run's temp folder so that every server of the run shares it. */
export function mochaGlobalSetup(): void {
  serviceRunDir();
}

/** Stops every server the tests started and removes the run's temp folder. */
export async function mochaGlobalTeardown(): Promise<void> {
  await stopServices();
}
