import { useApi } from '@backstage/core-plugin-api';
import { infraKitchenApiRef } from '../api';
import type { Resource, TemplateDependency, TemplateVersion } from '../api/types';
import {
  activeWiring,
  missingParents,
  pickedParentIds,
} from '../components/CreateResource/parentForm';
import { buildVariables, type FormErrors } from '../components/CreateResource/variableForm';
import { useFormSubmission } from './useFormSubmission';

/** What the create form holds when it is submitted (variables as the form's text). */
export interface CreateResourceForm {
  name: string;
  templateId: string;
  version: TemplateVersion;
  values: Record<string, string>;
  entityRef: string;
  /** What the template builds on, and the parent picked for each (dependency id to resource id). */
  dependencies: TemplateDependency[];
  parents: Record<string, string>;
  autoProvision: boolean;
}

/**
 * Creates a resource from the create form: what the form can check itself fails before any request, and a
 * failed create (the service's 422 included) spreads its messages over the form's fields in `errors`.
 * Variables wired from a parent's output are never sent (the service refuses them): it sets them.
 */
export function useCreateResource(onCreated: (resource: Resource) => void) {
  const api = useApi(infraKitchenApiRef);
  const { errors, refuse, submitting, clearErrors, send } = useFormSubmission();

  const submit = async (form: CreateResourceForm) => {
    const wired = activeWiring(form.dependencies, form.parents);
    const own = form.version.variables.filter(v => !(v.name in wired));
    const built = buildVariables(own, form.values);
    const local: FormErrors = {
      fields: {},
      variables: built.errors,
      parents: missingParents(form.dependencies, form.parents),
    };
    if (!form.name.trim()) local.fields.name = 'required';
    if ([local.fields, local.variables, local.parents].some(e => Object.keys(e).length)) {
      refuse(local);
      return;
    }
    await send(async () => {
      const created = await api.createResource({
        request: {
          name: form.name.trim(),
          template_id: form.templateId,
          template_version_id: form.version.id,
          variables: built.variables,
          parent_ids: pickedParentIds(form.dependencies, form.parents),
          auto_provision: form.dependencies.length ? form.autoProvision : false,
          entity_ref: form.entityRef.trim() || undefined,
        },
      });
      onCreated(created);
    });
  };

  return { submit, submitting, errors, clearErrors };
}
