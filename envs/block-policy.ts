/**
 * Block policies: policies that every block of a multi-thread VecEnv evaluates on its own thread, on the
 * observations it already holds, so that acting is as parallel as stepping (a policy evaluated on the calling
 * thread for all envs is serial work that grows with the number of envs, not with the cores).
 *
 * A program is registered by name by the module that defines it (as envs register themselves); a
 * {@link BlockPolicy} names the module, the program and its plain data (the parameters), and worker threads
 * import the module before they use it. Programs must be deterministic functions of their data, the observations
 * and the per-step data (e.g. noise drawn on the calling thread in env order), so that the actions do not depend
 * on how the envs are split into blocks.
 */

/** Acts for envs [first, first + count) of the whole VecEnv: observations [count*obsDim] -> actions [count*actDim]. */
export type BlockActor = (obs: Float32Array, first: number, count: number, stepData: unknown) => Float32Array;

/** Makes an actor from the policy's plain data (called once per `setBlockPolicy`). */
export type BlockPolicyProgram = (data: unknown) => BlockActor;

/** A registered program with its data, as sent to every block. */
export interface BlockPolicy {
  /** URL of the module that registers the program (worker threads import it). */
  module: string;
  /** Name the program was registered under. */
  program: string;
  /** Structured-cloneable data, e.g. parameter copies. */
  data: unknown;
}

const programs = new Map<string, BlockPolicyProgram>();

/** Register `program` under `name` (a module does this once, at import). */
export function registerBlockPolicy(name: string, program: BlockPolicyProgram): void {
  if (programs.has(name)) throw new Error(`registerBlockPolicy: "${name}" is already registered.`);
  programs.set(name, program);
}

/** The actor of `policy`; its module must have been imported on this thread (see {@link loadBlockPolicy}). */
export function blockActor(policy: BlockPolicy): BlockActor {
  const program = programs.get(policy.program);
  if (!program) throw new Error(`Unknown block policy "${policy.program}": import ${policy.module} (which registers it) first.`);
  return program(policy.data);
}

/** Import the module of `policy` (registering its program), then make its actor. */
export async function loadBlockPolicy(policy: BlockPolicy): Promise<BlockActor> {
  await import(policy.module);
  return blockActor(policy);
}
