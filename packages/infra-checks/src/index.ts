export {
  type ComposeFile,
  type ComposeService,
  dependantsNotWaitingForHealth,
  environmentOf,
  inlineSecrets,
  interpolatedVariables,
  missingHealthchecks,
  type Problem,
  unknownAppVariables,
  unpinnedImages,
} from './compose-rules.ts';
export { loadComposeSchema, validateCompose } from './compose-schema.ts';
export {
  devDependencyLeaks,
  lineage,
  runtimeUser,
  type Stage,
  stagesOf,
  unpinnedBases,
} from './dockerfile-rules.ts';
export { INFRA_DIR, infraPath, parseEnvExample, readInfraText, readInfraYaml } from './infra-files.ts';
export { type Interpolation, interpolate, references } from './interpolate.ts';
