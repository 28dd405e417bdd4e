import { useCallback, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { infraKitchenApiRef } from '../api';
import type { Resource, TemplateVersion } from '../api/types';
import {
  buildVariables,
  formErrorsFrom,
  type FormErrors,
} from '../components/CreateResource/variableForm';

const NO_ERRORS: FormErrors = { fields: {}, variables: {} };

/** What the create form holds when it is submitted (variables as the form's text). */
export interface CreateResourceForm {
  name: string;
  templateId: string;
  version: TemplateVersion;
  values: Record<string, string>;
  entityRef: string;
}

/**
 * Creates a resource from the create form: what the form can check itself fails before any request, and a
 * failed create (the service's 422 included) spreads its messages over the form's fields in `errors`.
 */
export function useCreateResource(onCreated: (resource: Resource) => void) {
  const api = useApi(infraKitchenApiRef);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [submitting, setSubmitting] = useState(false);
  const clearErrors = useCallback(() => setErrors(NO_ERRORS), []);

  const submit = async (form: CreateResourceForm) => {
    const built = buildVariables(form.version.variables, form.values);
    const local: FormErrors = { fields: {}, variables: built.errors };
    if (!form.name.trim()) local.fields.name = 'required';
    if (Object.keys(local.fields).length || Object.keys(local.variables).length) {
      setErrors(local);
      return;
    }
    setSubmitting(true);
    setErrors(NO_ERRORS);
    try {
      const created = await api.createResource({
        request: {
          name: form.name.trim(),
          template_id: form.templateId,
          template_version_id: form.version.id,
          variables: built.variables,
          entity_ref: form.entityRef.trim() || undefined,
        },
      });
      onCreated(created);
    } catch (e) {
      setErrors(formErrorsFrom(e));
    } finally {
      setSubmitting(false);
    }
  };

  return { submit, submitting, errors, clearErrors };
}
