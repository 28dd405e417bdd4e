export { StatusChip } from './StatusChip';
export { RelativeTime, relativeTime } from './RelativeTime';
export { ErrorState, describeError } from './ErrorState';
export { LiveIndicator } from './LiveIndicator';
export { UpgradeBadge } from './UpgradeBadge';
