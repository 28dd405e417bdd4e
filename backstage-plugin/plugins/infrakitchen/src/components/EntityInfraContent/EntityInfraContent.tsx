import { Box, Button, Typography } from '@material-ui/core';
import AddIcon from '@material-ui/icons/Add';
import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useState } from 'react';
import { infraKitchenEntityRef, INFRAKITCHEN_ENTITY_REF_ANNOTATION } from '../../entityRef';
import { useResources } from '../../hooks/useResources';
import { ErrorState, LiveIndicator } from '../common';
import { useDrawerParams } from '../common/useDrawerParams';
import { CreateResourceDialog } from '../CreateResource';
import { LinkedResourceDrawer } from '../ResourceDrawer';
import { ResourceTable } from '../ResourceTable';

/** The entity's "Infrastructure" tab: its resources, live, with a drawer per resource. */
export function EntityInfraContent() {
  const { entity } = useEntity();
  const entityRef = infraKitchenEntityRef(entity);
  const list = useResources({ entityRef });
  const drawer = useDrawerParams();
  const [creating, setCreating] = useState(false);
  const [formKey, setFormKey] = useState(0);

  const createButton = (
    <Button variant="contained" color="primary" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
      Create resource
    </Button>
  );
  let body;
  if (list.loading && !list.value) body = <Progress />;
  else if (list.error && !list.value) body = <ErrorState error={list.error} onRetry={list.retry} />;
  else if (list.value && !list.value.resources.length) {
    body = (
      <EmptyState
        missing="data"
        title="No infrastructure yet"
        description={
          `No InfraKitchen resource belongs to ${entityRef}. Create one from a template with the button ` +
          `below; resources created elsewhere appear here when their entity_ref is ${entityRef} ` +
          `(set the ${INFRAKITCHEN_ENTITY_REF_ANNOTATION} annotation to show another ref).`
        }
        action={createButton}
      />
    );
  } else if (list.value) {
    body = (
      <ResourceTable
        resources={list.value.resources}
        onOpen={drawer.open}
        onUpgrade={drawer.openUpgrade}
      />
    );
  }
  return (
    <InfoCard
      title="Infrastructure"
      subheader={<Typography variant="body2">InfraKitchen resources of {entityRef}</Typography>}
      action={
        <Box display="flex" alignItems="center" style={{ gap: 8 }} p={1}>
          <LiveIndicator />
          {list.value?.resources.length ? createButton : null}
        </Box>
      }
    >
      {body}
      <CreateResourceDialog
        key={formKey}
        open={creating}
        entityRef={entityRef}
        onClose={() => setCreating(false)}
        onCreated={resource => {
          setCreating(false);
          setFormKey(k => k + 1);
          list.refresh();
          drawer.open(resource.id);
        }}
      />
      <LinkedResourceDrawer drawer={drawer} />
    </InfoCard>
  );
}
