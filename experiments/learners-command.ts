/**
 * `metarl learners`: the registered learners (the config's `algorithm.name`), what each is, and its
 * hyper-parameters.
 */
import { learnerRegistration, listLearners } from '../agents/index.js';
import { formatTable } from './text-table.js';

/** The table `metarl learners` prints (without the trailing newline). */
export function learnersCommand(): string {
  const rows = listLearners().map((name) => {
    const entry = learnerRegistration(name);
    return [name, entry.description, Object.keys(entry.options).join(', ')];
  });
  return formatTable([['name', 'learner', 'hyper-parameters (algorithm.<key>)'], ...rows]);
}
