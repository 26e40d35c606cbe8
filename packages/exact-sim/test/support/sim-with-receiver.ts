// Set-up shared by the suites that write through the API and watch the webhooks it fires.
import type { RunningSimulator } from '../../src/simulator.ts';
import { type Receiver, startReceiver } from './receiver.ts';
import { connect, startTestSim, type TokenBody } from './sim.ts';

export interface SimWithReceiver {
  sim: RunningSimulator;
  receiver: Receiver;
  /** A token pair of the default app for the default user. */
  tokens: TokenBody;
  /** The default user's first division. */
  division: number;
}

/** A test simulator, a webhook receiver and a connected app. */
export async function startSimWithReceiver(): Promise<SimWithReceiver> {
  const sim = await startTestSim();
  const receiver = await startReceiver();
  return { sim, receiver, tokens: await connect(sim), division: sim.defaults.divisions[0] as number };
}

export async function closeSimWithReceiver({ sim, receiver }: SimWithReceiver): Promise<void> {
  await sim.close();
  await receiver.close();
}
