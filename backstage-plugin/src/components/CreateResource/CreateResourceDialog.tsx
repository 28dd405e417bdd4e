import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  MenuItem,
  TextField,
  Typography,
} from '@material-ui/core';
import { Progress } from '@backstage/core-components';
import { useEffect, useMemo, useState } from 'react';
import type { Resource } from '../../api/types';
import { useCreateResource } from '../../hooks/useCreateResource';
import { useTemplateVersions, useTemplates } from '../../hooks/useTemplates';
import { ErrorState } from '../common';
import { VariableField } from './VariableField';
import { initialValues } from './variableForm';

/** Pick a template and version, fill the form generated from its variables, create the resource. */
export function CreateResourceDialog(props: {
  open: boolean;
  /** The entity the new resource belongs to; asked for when not given. */
  entityRef?: string;
  initialTemplateId?: string;
  onClose(): void;
  onCreated(resource: Resource): void;
}) {
  const templates = useTemplates();
  const [templateId, setTemplateId] = useState(props.initialTemplateId ?? '');
  const versions = useTemplateVersions(templateId || undefined);
  const [versionId, setVersionId] = useState('');
  const [name, setName] = useState('');
  const [entityRef, setEntityRef] = useState(props.entityRef ?? '');
  const [values, setValues] = useState<Record<string, string>>({});
  const { submit, submitting, errors, clearErrors } = useCreateResource(props.onCreated);

  const version = useMemo(
    () => versions.value?.find(v => v.id === versionId),
    [versions.value, versionId],
  );
  // A new version resets the variables to its defaults (and only then: never on a re-render).
  useEffect(() => {
    if (!versionId && versions.value?.length) setVersionId(versions.value[0].id);
  }, [versions.value, versionId]);
  useEffect(() => {
    setValues(version ? initialValues(version.variables) : {});
    clearErrors();
  }, [version, clearErrors]);

  return (
    <Dialog open={props.open} onClose={props.onClose} fullWidth maxWidth="sm" aria-labelledby="ik-create">
      <DialogTitle id="ik-create">Create a resource</DialogTitle>
      <DialogContent>
        {templates.error && <ErrorState error={templates.error} onRetry={templates.retry} />}
        {templates.loading && <Progress />}
        {templates.value && (
          <TextField
            select
            fullWidth
            margin="dense"
            label="Template"
            id="ik-template"
            value={templateId}
            onChange={e => {
              setTemplateId(e.target.value);
              setVersionId('');
            }}
            helperText={templates.value.find(t => t.id === templateId)?.description}
          >
            {templates.value.map(t => (
              <MenuItem key={t.id} value={t.id}>
                {t.name}
                {t.requires_approval ? ' (needs approval)' : ''}
              </MenuItem>
            ))}
          </TextField>
        )}
        {versions.error && <ErrorState error={versions.error} onRetry={versions.retry} />}
        {templateId && versions.value && (
          <TextField
            select
            fullWidth
            margin="dense"
            label="Version"
            id="ik-version"
            value={versionId}
            onChange={e => setVersionId(e.target.value)}
          >
            {versions.value.map(v => (
              <MenuItem key={v.id} value={v.id}>
                {v.version}
              </MenuItem>
            ))}
          </TextField>
        )}
        {version && (
          <>
            <TextField
              fullWidth
              margin="dense"
              required
              id="ik-name"
              label="Name"
              value={name}
              onChange={e => setName(e.target.value)}
              error={Boolean(errors.fields.name)}
              helperText={errors.fields.name ?? 'Letters, digits and . _ -'}
            />
            {!props.entityRef && (
              <TextField
                fullWidth
                margin="dense"
                id="ik-entity-ref"
                label="Catalog entity"
                placeholder="component:default/shop"
                value={entityRef}
                onChange={e => setEntityRef(e.target.value)}
                error={Boolean(errors.fields.entity_ref)}
                helperText={errors.fields.entity_ref ?? 'Optional: the entity this resource belongs to'}
              />
            )}
            {version.variables.map(variable => (
              <VariableField
                key={variable.name}
                variable={variable}
                value={values[variable.name] ?? ''}
                error={errors.variables[variable.name]}
                onChange={value => setValues(v => ({ ...v, [variable.name]: value }))}
              />
            ))}
          </>
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
          disabled={!version || submitting}
          onClick={() => version && submit({ name, templateId, version, values, entityRef })}
        >
          Create
        </Button>
      </DialogActions>
    </Dialog>
  );
}
