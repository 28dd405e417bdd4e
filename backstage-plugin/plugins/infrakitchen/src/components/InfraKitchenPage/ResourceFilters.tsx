import { Box, MenuItem, TextField } from '@material-ui/core';
import type { ListResourcesOptions } from '../../api';
import type { ResourceState, ResourceStatus } from '../../api/types';

const STATES: ResourceState[] = ['provision', 'provisioned', 'destroy', 'destroyed'];
const STATUSES: ResourceStatus[] = [
  'ready',
  'queued',
  'in_progress',
  'done',
  'error',
  'approval_pending',
  'pending',
  'rejected',
  'unknown',
];

export function ResourceFilters(props: {
  value: ListResourcesOptions;
  onChange(value: ListResourcesOptions): void;
}) {
  const { value, onChange } = props;
  const set = (patch: Partial<ListResourcesOptions>) => onChange({ ...value, ...patch });
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={2}>
      <TextField
        label="Name starts with"
        id="ik-filter-name"
        value={value.name ?? ''}
        onChange={e => set({ name: e.target.value || undefined })}
      />
      <TextField
        label="Entity"
        id="ik-filter-entity"
        placeholder="component:default/shop"
        value={value.entityRef ?? ''}
        onChange={e => set({ entityRef: e.target.value || undefined })}
      />
      <TextField
        select
        label="State"
        id="ik-filter-state"
        style={{ minWidth: 140 }}
        value={value.state ?? ''}
        onChange={e => set({ state: (e.target.value || undefined) as ResourceState | undefined })}
      >
        <MenuItem value="">any</MenuItem>
        {STATES.map(s => (
          <MenuItem key={s} value={s}>
            {s}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        label="Status"
        id="ik-filter-status"
        style={{ minWidth: 160 }}
        value={value.status ?? ''}
        onChange={e => set({ status: (e.target.value || undefined) as ResourceStatus | undefined })}
      >
        <MenuItem value="">any</MenuItem>
        {STATUSES.map(s => (
          <MenuItem key={s} value={s}>
            {s.replace(/_/g, ' ')}
          </MenuItem>
        ))}
      </TextField>
    </Box>
  );
}
