import { Link, List, ListItem, ListItemText, Typography } from '@material-ui/core';
import type { ResourceTreeNode } from '../../api/types';
import { StatusChip } from '../common';

/** Resources one step up or down the tree, each a link that opens its own drawer. */
export function RelatedResources(props: {
  label: string;
  nodes: ResourceTreeNode[];
  /** Said when there are none. */
  empty: string;
  /** Related resources the caller may not see: counted, not named. */
  hidden?: number;
  onOpen(resourceId: string): void;
}) {
  const { nodes, hidden = 0, onOpen } = props;
  return (
    <>
      {nodes.length > 0 && (
        <List dense aria-label={props.label}>
          {nodes.map(node => (
            <ListItem key={node.id} data-testid={`related-${node.name}`}>
              <ListItemText
                primary={
                  <>
                    <Link component="button" variant="body2" onClick={() => onOpen(node.id)}>
                      {node.name}
                    </Link>{' '}
                    <StatusChip status={node.status} />
                  </>
                }
                secondary={[node.template_name, node.state, node.pending_reason]
                  .filter(Boolean)
                  .join(' · ')}
              />
            </ListItem>
          ))}
        </List>
      )}
      {hidden > 0 && (
        <Typography variant="body2" color="textSecondary">
          And {hidden} you cannot see.
        </Typography>
      )}
      {!nodes.length && !hidden && (
        <Typography variant="body2" color="textSecondary">
          {props.empty}
        </Typography>
      )}
    </>
  );
}
