export type {
  AllScope,
  AndScope,
  BinaryExpr,
  BinaryOp,
  CallExpr,
  Comparator,
  Expr,
  FillMode,
  InScope,
  KeywordArg,
  MetricExpr,
  Modifier,
  MonitorQuery,
  NegExpr,
  NotScope,
  NumberExpr,
  OrScope,
  ParseResult,
  QueryError,
  RollupMethod,
  Scope,
  SpaceAggregator,
  StringExpr,
  TagScope,
  TimeAggregation,
  VarScope,
} from './ast.ts';
export { format, formatMonitorQuery, formatScope } from './format.ts';
export { gauge, type MemorySourceOptions, memorySource } from './memory-source.ts';
export { metricsOf } from './metrics.ts';
export {
  compare,
  type EvaluateMonitorOptions,
  evaluateMonitor,
  fullWindowBucket,
  type MonitorEvaluation,
  type MonitorGroup,
  monitorInterval,
} from './monitor.ts';
export { parseMonitorQuery } from './monitor-parser.ts';
export { MAX_QUERY_LENGTH, parse } from './parser.ts';
export { type EvaluateOptions, evaluate, variablesOf } from './query.ts';
export type { Point, QueryResponse, QuerySeries } from './response.ts';
export { defaultInterval } from './rollup.ts';
export { compileScope } from './select.ts';
export { SIGNATURES } from './signatures.ts';
export type {
  DistributionGroup,
  DistributionRequest,
  DistributionStat,
  SeriesData,
  SeriesSource,
} from './source.ts';
export { substituteTemplateVariables, type TemplateVariables } from './template.ts';
