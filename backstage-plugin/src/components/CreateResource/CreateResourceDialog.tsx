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
import { useApi } from '@backstage/core-plugin-api';
import { useEffect, useMemo, useState } from 'react';
import { infraKitchenApiRef } from '../../api';
import type { Resource } from '../../api/types';
import { useTemplateVersions, useTemplates } from '../../hooks/useTemplates';
import { ErrorState } from '../common';
import { VariableField } from './VariableField';
import { buildVariables, formErrorsFrom, initialValues, type FormErrors } from './variableForm';

const NO_ERRORS: FormErrors = { fields: {}, variables: {} };

/** Pick a template and version, fill the form generated from its variables, create the resource. */
export function CreateResourceDialog(props: {
  open: boolean;
  /** The entity the new resource belongs to; asked for when not given. */
  entityRef?: string;
  initialTemplateId?: string;
  onClose(): void;
  onCreated(resource: Resource): void;
}) {
  const api = useApi(infraKitchenApiRef);
  const templates = useTemplates();
  const [templateId, setTemplateId] = useState(props.initialTemplateId ?? '');
  const versions = useTemplateVersions(templateId || undefined);
  const [versionId, setVersionId] = useState('');
  const [name, setName] = useState('');
  const [entityRef, setEntityRef] = useState(props.entityRef ?? '');
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [submitting, setSubmitting] = useState(false);

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
    setErrors(NO_ERRORS);
  }, [version]);

  const submit = async () => {
    if (!version) return;
    const built = buildVariables(version.variables, values);
    const local: FormErrors = { fields: {}, variables: built.errors };
    if (!name.trim()) local.fields.name = 'required';
    if (Object.keys(local.fields).length || Object.keys(local.variables).length) {
      setErrors(local);
      return;
    }
    setSubmitting(true);
    setErrors(NO_ERRORS);
    try {
      const created = await api.createResource({
        request: {
          name: name.trim(),
          template_id: templateId,
          template_version_id: version.id,
          variables: built.variables,
          entity_ref: entityRef.trim() || undefined,
        },
      });
      props.onCreated(created);
    } catch (e) {
      setErrors(formErrorsFrom(e));
    } finally {
      setSubmitting(false);
    }
  };

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
        <Button color="primary" variant="contained" disabled={!version || submitting} onClick={submit}>
          Create
        </Button>
      </DialogActions>
    </Dialog>
  );
}
