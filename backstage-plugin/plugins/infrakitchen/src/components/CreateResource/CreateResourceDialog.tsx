import {
  Box,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  MenuItem,
  TextField,
  Typography,
} from '@material-ui/core';
import { Progress } from '@backstage/core-components';
import { useEffect, useMemo, useState } from 'react';
import type { Resource } from '../../api/types';
import { asText } from '../../api/payloadFields';
import { useCreateResource } from '../../hooks/useCreateResource';
import {
  useParentCandidates,
  useTemplateDependencies,
  useTemplateVersions,
  useTemplates,
} from '../../hooks/useTemplates';
import { ErrorState } from '../common';
import { ParentField, WiredVariable } from './ParentField';
import { activeWiring } from './parentForm';
import { VariableField } from './VariableField';
import { initialValues } from './variableForm';

/**
 * Pick a template and version, fill the form generated from its variables, create the resource. When the
 * template builds on others, pick a parent resource of each; the variables they wire are set from the
 * parents' outputs, shown but not asked for.
 */
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
  const dependencies = useTemplateDependencies(templateId || undefined);
  const candidates = useParentCandidates(dependencies.value);
  const [parents, setParents] = useState<Record<string, string>>({});
  const [autoProvision, setAutoProvision] = useState(false);
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
  // Another template has other parents.
  useEffect(() => {
    setParents({});
    setAutoProvision(false);
  }, [templateId]);

  const deps = dependencies.value ?? [];
  const wired = activeWiring(deps, parents);
  const resourcesOf = (parentTemplateId: string) => candidates.value?.[parentTemplateId] ?? [];
  /** The parent template's name: from the catalog, else from one of its resources. */
  const templateName = (parentTemplateId: string) =>
    templates.value?.find(t => t.id === parentTemplateId)?.name ??
    (asText(resourcesOf(parentTemplateId)[0]?.template_name) || 'the parent template');
  /** Where a wired variable comes from: the picked parent, or its template before one is picked. */
  const sourceOf = (dependencyId: string, parentTemplateId: string) =>
    resourcesOf(parentTemplateId).find(r => r.id === parents[dependencyId])?.name ??
    templateName(parentTemplateId);

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
            {dependencies.loading && <Progress />}
            {dependencies.error && (
              <ErrorState error={dependencies.error} onRetry={dependencies.retry} />
            )}
            {candidates.error && <ErrorState error={candidates.error} onRetry={candidates.retry} />}
            {deps.length > 0 && candidates.value && (
              <Box component="section" aria-label="Builds on" mt={1}>
                {deps.map(dependency => (
                  <ParentField
                    key={dependency.id}
                    dependency={dependency}
                    templateName={templateName(dependency.parent_template_id)}
                    candidates={resourcesOf(dependency.parent_template_id)}
                    value={parents[dependency.id] ?? ''}
                    error={errors.parents[dependency.id]}
                    onChange={id => setParents(p => ({ ...p, [dependency.id]: id }))}
                  />
                ))}
                {errors.fields.parent_ids && (
                  <Typography role="alert" color="error" variant="body2">
                    {errors.fields.parent_ids}
                  </Typography>
                )}
                <FormControlLabel
                  control={
                    <Checkbox
                      checked={autoProvision}
                      onChange={e => setAutoProvision(e.target.checked)}
                      name="auto_provision"
                      color="primary"
                    />
                  }
                  label="Provision automatically once its parents are ready"
                />
              </Box>
            )}
            {version.variables.map(variable => {
              const source = wired[variable.name];
              if (source) {
                return (
                  <WiredVariable
                    key={variable.name}
                    variable={variable}
                    source={sourceOf(source.dependency.id, source.dependency.parent_template_id)}
                    output={source.output}
                    error={errors.variables[variable.name]}
                  />
                );
              }
              return (
                <VariableField
                  key={variable.name}
                  variable={variable}
                  value={values[variable.name] ?? ''}
                  error={errors.variables[variable.name]}
                  onChange={value => setValues(v => ({ ...v, [variable.name]: value }))}
                />
              );
            })}
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
          disabled={
            !version ||
            submitting ||
            !dependencies.value ||
            (deps.length > 0 && !candidates.value)
          }
          onClick={() =>
            version &&
            submit({
              name,
              templateId,
              version,
              values,
              entityRef,
              dependencies: deps,
              parents,
              autoProvision,
            })
          }
        >
          Create
        </Button>
      </DialogActions>
    </Dialog>
  );
}
