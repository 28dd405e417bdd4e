import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  MenuItem,
  TextField,
  Typography,
} from '@material-ui/core';
import { Progress } from '@backstage/core-components';
import { useState } from 'react';
import { asIds, asText, asVariables } from '../../api/payloadFields';
import type { Resource, ResourceChange } from '../../api/types';
import { isPlatform, useMe } from '../../hooks/useMe';
import { useRequestChange } from '../../hooks/useRequestChange';
import {
  useParentResources,
  useTemplateDependencies,
  useTemplateVersions,
} from '../../hooks/useTemplates';
import { ErrorState } from '../common';
import { activeWiring } from '../CreateResource/parentForm';
import {
  droppedNames,
  frozenNames,
  isNeverApplied,
  versionChoices,
  versionLabel,
} from './editForm';
import { EditVariables, type WiredFrom } from './EditVariables';

/**
 * Edit a resource: the create form pre-filled with its values, name and template fixed, a version picker for
 * upgrades, the owner. Submitting requests a change with only what differs (`PATCH /resources/{id}`).
 */
export function EditResourceDialog(props: {
  resource: Resource;
  /** The version picked at first (an upgrade); the resource's own by default. */
  initialVersionId?: string;
  /** The open change a new one replaces, if there is one. */
  openChange?: ResourceChange;
  onClose(): void;
  onRequested(change: ResourceChange): void;
}) {
  const { resource, openChange } = props;
  const versions = useTemplateVersions(resource.template_id, { all: true });
  const dependencies = useTemplateDependencies(resource.template_id);
  const parentIds = asIds(resource.parent_ids);
  const parents = useParentResources(parentIds);
  const [versionId, setVersionId] = useState(props.initialVersionId ?? resource.template_version_id);
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [owner, setOwner] = useState(resource.owner);
  const { submit, submitting, errors, clearErrors } = useRequestChange(props.onRequested);
  const me = useMe();

  const current = asVariables(resource.variables);
  // Versions in preview only for those the service lets use them (until `/me` answers: not offered).
  const choices = versionChoices(versions.value ?? [], resource.template_version_id, {
    preview: isPlatform(me.value),
  });
  // A version asked for that is not offered (archived since, or in preview): the resource's own.
  const version =
    choices.find(v => v.id === versionId) ??
    choices.find(v => v.id === resource.template_version_id);
  const upgrading = version !== undefined && version.id !== resource.template_version_id;
  // The service checks frozen values against the rules of the version the resource is on.
  const frozen = frozenNames(versions.value?.find(v => v.id === resource.template_version_id));
  const loading = versions.loading || dependencies.loading || parents.loading || me.loading;
  const failure = versions.error ?? dependencies.error;

  // Each dependency's parent is the parent resource of its template; one the caller cannot see still wires.
  const deps = dependencies.value ?? [];
  const seen = parents.value ?? [];
  const unseen = parentIds.length > seen.length;
  const parentOf = (templateId: string) => seen.find(p => p.template_id === templateId);
  const picked = Object.fromEntries(
    deps.map(d => [d.id, parentOf(d.parent_template_id)?.id ?? (unseen ? 'unseen' : '')]),
  );
  const wiring = activeWiring(deps, picked);
  const wired: Record<string, WiredFrom> = Object.fromEntries(
    Object.entries(wiring).map(([name, source]) => [
      name,
      {
        parent: parentOf(source.dependency.parent_template_id)?.name ?? 'its parent',
        output: source.output,
      },
    ]),
  );

  let note = 'It becomes a change request: the resource keeps its values until the change is applied.';
  if (isNeverApplied(resource)) note = 'It has never been applied: the edit takes effect at once.';
  else if (openChange) note += ` It replaces the open change requested by ${openChange.requested_by}.`;

  return (
    <Dialog open onClose={props.onClose} fullWidth maxWidth="sm" aria-labelledby="ik-edit">
      <DialogTitle id="ik-edit">Edit {resource.name}</DialogTitle>
      <DialogContent>
        <DialogContentText>{note}</DialogContentText>
        {failure && (
          <ErrorState error={failure} onRetry={versions.error ? versions.retry : dependencies.retry} />
        )}
        {loading && <Progress />}
        <TextField fullWidth margin="dense" id="ik-name" label="Name" value={resource.name} disabled />
        <TextField
          fullWidth
          margin="dense"
          id="ik-template"
          label="Template"
          value={asText(resource.template_name)}
          disabled
        />
        {versions.value && (
          <TextField
            select
            fullWidth
            margin="dense"
            label="Version"
            id="ik-version"
            value={version?.id ?? ''}
            error={Boolean(errors.fields.template_version_id)}
            helperText={
              errors.fields.template_version_id ??
              (upgrading
                ? `Upgrade from ${asText(resource.template_version)}`
                : 'Pick a newer version to upgrade')
            }
            onChange={e => {
              setVersionId(e.target.value);
              clearErrors();
            }}
          >
            {choices.map(v => (
              <MenuItem key={v.id} value={v.id}>
                {versionLabel(v, resource.template_version_id)}
              </MenuItem>
            ))}
          </TextField>
        )}
        <TextField
          fullWidth
          margin="dense"
          required
          id="ik-owner"
          label="Owner"
          value={owner}
          onChange={e => setOwner(e.target.value)}
          error={Boolean(errors.fields.owner)}
          helperText={errors.fields.owner ?? 'A user or group ref, e.g. group:default/team-a'}
        />
        {version && !loading && (
          <EditVariables
            variables={version.variables}
            current={current}
            edits={edits}
            wired={wired}
            frozen={frozen}
            dropped={upgrading ? droppedNames(version, current) : []}
            upgradeTo={upgrading ? version.version : undefined}
            errors={errors.variables}
            onEdit={(name, text) => setEdits(e => ({ ...e, [name]: text }))}
          />
        )}
        {errors.general && (
          <Typography role="alert" color="error" variant="body2">
            {errors.general}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={!version || loading || submitting}
          onClick={() =>
            version && submit({ resource, version, wired: Object.keys(wired), frozen, edits, owner })
          }
        >
          Submit
        </Button>
      </DialogActions>
    </Dialog>
  );
}
