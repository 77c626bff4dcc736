/**
 * @mqkit/testkit — the conformance suite every mqkit provider runs, and the helpers it is made of.
 */
export { runQueueConformance, skipReason } from './run.js';
export type {
  TestApi,
  ItLike,
  TestFn,
  ConformanceTarget,
  ConformanceWorld,
  ConformanceOptions,
  ConformanceCase,
  CaseContext,
  CaseWorld,
  CaseQueueOptions,
  WorldProviderOptions,
  Requirement,
} from './types.js';
export * from './difficult/index.js';
export { CASE_GROUPS } from './cases/index.js';
export * from './helpers/index.js';
export * from './process/index.js';
