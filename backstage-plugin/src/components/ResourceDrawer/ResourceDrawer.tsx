import {
  Box,
  Drawer,
  IconButton,
  Typography,
  makeStyles,
} from '@material-ui/core';
import CloseIcon from '@material-ui/icons/Close';
import { Progress } from '@backstage/core-components';
import type { ReactNode } from 'react';
import { asOutputs, asVariables } from '../../api/payloadFields';
import { useResourceDetails } from '../../hooks/useResourceDetails';
import { ErrorState, RelativeTime, StatusChip } from '../common';
import type { DrawerParams } from '../common/useDrawerParams';
import { ActionBar } from './ActionBar';
import { AuditTrail } from './AuditTrail';
import { KeyValueTable } from './KeyValueTable';
import { RunHistory } from './RunHistory';

const useStyles = makeStyles(theme => ({
  paper: { width: 'min(900px, 100vw)', padding: theme.spacing(3) },
  section: { marginTop: theme.spacing(3) },
}));

function Section(props: { title: string; children: ReactNode }) {
  const classes = useStyles();
  return (
    <Box className={classes.section} component="section" aria-label={props.title}>
      <Typography variant="h6" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

/**
 * One resource: actions, variables, outputs, runs with a live log, audit trail. Its open state belongs
 * to the caller (the URL), so live updates and refreshes re-render it without closing it.
 */
export function ResourceDrawer(props: {
  resourceId: string;
  runId?: string;
  onSelectRun(runId: string): void;
  onClose(): void;
}) {
  const classes = useStyles();
  const details = useResourceDetails(props.resourceId);
  const d = details.value;
  return (
    <Drawer anchor="right" open onClose={props.onClose} classes={{ paper: classes.paper }}>
      <Box display="flex" alignItems="center" justifyContent="space-between">
        <Typography variant="h5" component="h2">
          {d ? d.resource.name : 'Resource'}
        </Typography>
        <IconButton aria-label="Close" onClick={props.onClose}>
          <CloseIcon />
        </IconButton>
      </Box>
      {details.loading && !d && <Progress />}
      {details.error && !d && <ErrorState error={details.error} onRetry={details.retry} />}
      {d && (
        <Box role="region" aria-label="resource details">
          <Typography variant="body2" color="textSecondary" component="div">
            {d.resource.state} · <StatusChip status={d.resource.status} /> · owner {d.resource.owner}{' '}
            · changed <RelativeTime value={d.resource.updated_at} />
            {d.resource.entity_ref ? ` · ${d.resource.entity_ref}` : ''}
          </Typography>
          {d.deleted && (
            <Typography color="error">This resource has been deleted.</Typography>
          )}
          <Section title="Actions">
            <ActionBar
              resource={d.resource}
              actions={d.actions}
              runs={d.runs}
              onDone={action => (action === 'delete' ? props.onClose() : details.refresh())}
            />
          </Section>
          <Section title="Outputs">
            <KeyValueTable kind="outputs" values={asOutputs(d.resource.outputs)} />
          </Section>
          <Section title="Variables">
            <KeyValueTable kind="variables" values={asVariables(d.resource.variables)} />
          </Section>
          <Section title="Runs">
            <RunHistory runs={d.runs} selectedRunId={props.runId} onSelect={props.onSelectRun} />
          </Section>
          <Section title="Audit trail">
            <AuditTrail entries={d.audit} />
          </Section>
        </Box>
      )}
    </Drawer>
  );
}

/** The drawer the URL names (`?resource=<id>&run=<id>`), if it names one. */
export function LinkedResourceDrawer(props: { drawer: DrawerParams }) {
  const { resourceId, runId, open, close } = props.drawer;
  if (!resourceId) return null;
  return (
    <ResourceDrawer
      resourceId={resourceId}
      runId={runId}
      onSelectRun={run => open(resourceId, run)}
      onClose={close}
    />
  );
}
