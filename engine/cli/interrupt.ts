// How dsg ends when it was told to stop: the shell's convention, 128 plus the signal's number.

/** The signals dsg stops on, as the reason of its root AbortSignal. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

const EXIT_CODES: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

/** The exit code of a run stopped through `signal` (aborted with a StopSignal as its reason): 130 or 143. */
export function interruptCode(signal: AbortSignal): number {
  const reason: unknown = signal.reason;
  return reason === 'SIGTERM' ? EXIT_CODES.SIGTERM : EXIT_CODES.SIGINT;
}
