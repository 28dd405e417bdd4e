import { Box, Typography, makeStyles } from '@material-ui/core';
import { useEffect, useRef } from 'react';
import { useRunLog } from '../../hooks/useRunLog';

const useStyles = makeStyles(theme => ({
  log: {
    maxHeight: 320,
    overflow: 'auto',
    margin: 0,
    padding: theme.spacing(1),
    fontSize: 12,
    background: theme.palette.type === 'dark' ? '#111' : '#f5f5f5',
    whiteSpace: 'pre-wrap',
  },
}));

/** The run's log, scrolled to the end as lines arrive. */
export function RunLogTail(props: { runId: string }) {
  const classes = useStyles();
  const { lines, complete, error } = useRunLog(props.runId);
  const end = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const el = end.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines.length]);
  return (
    <Box>
      <Typography variant="caption" color="textSecondary">
        Log {complete ? '(complete)' : '(following)'}
        {error ? ` — could not read the log: ${error.message}` : ''}
      </Typography>
      <pre ref={end} className={classes.log} data-testid="run-log">
        {lines.join('\n')}
      </pre>
    </Box>
  );
}
