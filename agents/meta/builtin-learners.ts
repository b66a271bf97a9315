/**
 * The meta-learners metarl ships: one registerLearner call each. Importing this module registers them
 * (agents/index.ts does).
 */
import { registerLearner } from './learner-registry.js';
import { learnedOptimizerShape, mamlShape, metaSgdShape, multiTaskShape, prompShape, reptileShape, rl2Shape } from './learner-schemas.js';
import { LearnedOptimizer } from './learned-optimizer.js';
import { Maml } from './maml.js';
import { MetaSgd } from './meta-sgd.js';
import { MultiTask } from './multitask.js';
import { Pearl } from './pearl.js';
import { pearlShape } from './pearl-schema.js';
import { Promp } from './promp.js';
import { Reptile } from './reptile.js';
import { Rl2 } from './rl2.js';

registerLearner({
  name: 'maml',
  description: 'MAML with a TRPO meta-update (second order; firstOrder: FOMAML), Finn et al. 2017',
  options: mamlShape,
  create: (context, options) => Maml.create({ ...context, ...options }),
  label: (options) => (options.firstOrder ? 'FOMAML-TRPO' : 'MAML-TRPO'),
});
registerLearner({
  name: 'meta-sgd',
  description: 'Meta-SGD: MAML-TRPO with learned per-parameter inner step sizes (firstOrder: first order), Li et al. 2017',
  options: metaSgdShape,
  create: (context, options) => MetaSgd.create({ ...context, ...options }),
  label: (options) => (options.firstOrder ? 'FO-Meta-SGD-TRPO' : 'Meta-SGD-TRPO'),
});
registerLearner({
  name: 'lstm-optimizer',
  description: 'MAML-TRPO whose inner loop is a learned coordinate-wise LSTM optimizer (first order as the paper; firstOrder: false for second), Andrychowicz et al. 2016',
  options: learnedOptimizerShape,
  create: (context, options) => LearnedOptimizer.create({ ...context, ...options }),
  label: (options) => (options.firstOrder === false ? 'LSTM-opt-TRPO (2nd order)' : 'LSTM-opt-TRPO'),
});
registerLearner({
  name: 'promp',
  description: 'ProMP: proximal meta-policy search with low-variance curvature, Rothfuss et al. 2019',
  options: prompShape,
  create: (context, options) => Promp.create({ ...context, ...options }),
  label: () => 'ProMP',
});
registerLearner({
  name: 'reptile',
  description: 'Reptile with VPG inner steps, Nichol et al. 2018',
  options: reptileShape,
  create: (context, options) => Reptile.create({ ...context, ...options }),
  label: () => 'Reptile',
});
registerLearner({
  name: 'rl2',
  description: 'RL2: a recurrent policy adapting in its hidden state over a trial, PPO meta-update, Duan et al. 2016',
  options: rl2Shape,
  create: (context, options) => Rl2.create({ ...context, ...options }),
  label: (options) => (options.core === undefined || options.core === 'gru' ? 'RL2-PPO' : `RL2-PPO (${options.core})`),
});
registerLearner({
  name: 'multitask',
  description: 'multi-task PPO: one policy for all training tasks (task hidden), fine-tuned with the inner step at test time',
  options: multiTaskShape,
  create: (context, options) => MultiTask.create({ ...context, ...options }),
  label: () => 'multi-task PPO',
});
registerLearner({
  name: 'pearl',
  description: 'PEARL: off-policy SAC with a probabilistic context encoder and posterior sampling, Rakelly et al. 2019',
  options: pearlShape,
  create: (context, options) => Pearl.create({ ...context, ...options }),
  label: () => 'PEARL',
});
