import { Link, Typography } from '@material-ui/core';
import type { ResourceChange, Run } from '../../api/types';

/** What the decision on a decided change was (its status moves on after an approval). */
export function decision(change: ResourceChange): 'approved' | 'rejected' {
  return change.status === 'rejected' ? 'rejected' : 'approved';
}

/** Links to a change's plan and apply runs (each opens in the drawer's run history), with their status. */
export function ChangeRuns(props: {
  change: ResourceChange;
  runs: Run[];
  onSelectRun(runId: string): void;
}) {
  const { change, runs, onSelectRun } = props;
  const links = [
    { label: 'plan run', runId: change.plan_run_id },
    { label: 'apply run', runId: change.apply_run_id },
  ].filter((l): l is { label: string; runId: string } => Boolean(l.runId));
  if (!links.length) return null;
  return (
    <Typography variant="body2" component="div" data-testid="change-runs">
      {links.map(({ label, runId }, i) => {
        const status = runs.find(r => r.id === runId)?.status;
        return (
          <span key={label}>
            {i > 0 ? ' · ' : ''}
            <Link component="button" variant="body2" onClick={() => onSelectRun(runId)}>
              {label} {runId.slice(0, 8)}
            </Link>
            {status ? ` (${status})` : ''}
          </span>
        );
      })}
    </Typography>
  );
}
