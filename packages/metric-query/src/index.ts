export type {
  DistributionGroup,
  DistributionRequest,
  DistributionStat,
  SeriesData,
  SeriesSource,
} from './source.ts';
