import { Box, Tab, Tabs, Typography } from '@material-ui/core';
import { Content, Header, Page, Progress } from '@backstage/core-components';
import { useState } from 'react';
import type { ListResourcesOptions } from '../../api';
import { useResources } from '../../hooks/useResources';
import { ErrorState, LiveIndicator } from '../common';
import { useDrawerParams } from '../common/useDrawerParams';
import { CreateResourceDialog } from '../CreateResource';
import { LinkedResourceDrawer } from '../ResourceDrawer';
import { ResourceTable } from '../ResourceTable';
import { ResourceFilters } from './ResourceFilters';
import { TemplateCatalog } from './TemplateCatalog';

/**
 * Every resource the user can see (filterable), and the template catalog. `header={false}` where the app draws
 * the page's header itself (the new frontend system's PageBlueprint): then only the content, with the live
 * indicator on top.
 */
export function InfraKitchenPage({ header = true }: { header?: boolean }) {
  const [tab, setTab] = useState(0);
  const [filter, setFilter] = useState<ListResourcesOptions>({});
  const list = useResources(filter);
  const drawer = useDrawerParams();
  const [createFrom, setCreateFrom] = useState<string>();

  const content = (
    <Content>
      {!header && (
        <Box display="flex" justifyContent="flex-end">
          <LiveIndicator />
        </Box>
      )}
      <Tabs value={tab} onChange={(_, t) => setTab(t)} indicatorColor="primary">
        <Tab label="Resources" />
        <Tab label="Templates" />
      </Tabs>
      <Box mt={2}>
        {tab === 0 && (
          <>
            <ResourceFilters value={filter} onChange={setFilter} />
            {list.loading && !list.value && <Progress />}
            {list.error && !list.value && <ErrorState error={list.error} onRetry={list.retry} />}
            {list.value && (list.value.total ?? 0) > list.value.resources.length && (
              <Typography variant="body2" color="textSecondary">
                Showing the newest {list.value.resources.length} of{' '}
                {list.value.totalEstimated ? 'about ' : ''}
                {list.value.total?.toLocaleString('en')}: narrow the filters
                to find the others.
              </Typography>
            )}
            {list.value && (
              <ResourceTable
                resources={list.value.resources}
                showEntity
                onOpen={drawer.open}
                onUpgrade={drawer.openUpgrade}
              />
            )}
          </>
        )}
        {tab === 1 && <TemplateCatalog onCreate={setCreateFrom} />}
      </Box>
      {createFrom && (
        <CreateResourceDialog
          open
          initialTemplateId={createFrom}
          onClose={() => setCreateFrom(undefined)}
          onCreated={resource => {
            setCreateFrom(undefined);
            setTab(0);
            list.refresh();
            drawer.open(resource.id);
          }}
        />
      )}
      <LinkedResourceDrawer drawer={drawer} />
    </Content>
  );
  if (!header) return content;
  return (
    <Page themeId="tool">
      <Header title="Infrastructure" subtitle="InfraKitchen resources and templates">
        <LiveIndicator />
      </Header>
      {content}
    </Page>
  );
}
