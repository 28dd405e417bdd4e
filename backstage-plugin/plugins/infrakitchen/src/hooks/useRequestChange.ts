import { useApi } from '@backstage/core-plugin-api';
import { infraKitchenApiRef } from '../api';
import type { ChangeRequest, Resource, ResourceChange, TemplateVersion } from '../api/types';
import { asVariables } from '../api/payloadFields';
import type { FormErrors } from '../components/CreateResource/variableForm';
import { changedVariables } from '../components/EditResource/editForm';
import { useFormSubmission } from './useFormSubmission';

/** What the edit form holds when it is submitted. */
export interface EditResourceForm {
  resource: Resource;
  /** The version picked (the resource's own unless it is an upgrade). */
  version: TemplateVersion;
  /** Variables set from a parent's output: shown, never sent. */
  wired: string[];
  /** Variables frozen on the resource's version: shown, never sent. */
  frozen: string[];
  /** What the person typed, by variable name. */
  edits: Record<string, string>;
  owner: string;
}

/**
 * Requests a change of a resource from the edit form (`PATCH /resources/{id}`), sending only what differs from
 * the resource: the variables edited, the version when another is picked, the owner when changed. What the
 * form can check itself (nothing changed, a required value missing) fails before any request; the service's
 * 422 spreads over the form's fields in `errors`.
 */
export function useRequestChange(onRequested: (change: ResourceChange) => void) {
  const api = useApi(infraKitchenApiRef);
  const { errors, refuse, submitting, clearErrors, send } = useFormSubmission();

  const submit = async (form: EditResourceForm) => {
    const { resource, version } = form;
    const built = changedVariables({
      variables: version.variables,
      readOnly: [...form.wired, ...form.frozen],
      current: asVariables(resource.variables),
      edits: form.edits,
    });
    const request: ChangeRequest = {};
    if (Object.keys(built.variables).length) request.variables = built.variables;
    if (version.id !== resource.template_version_id) request.template_version_id = version.id;
    const owner = form.owner.trim();
    if (owner && owner !== resource.owner) request.owner = owner;
    const local: FormErrors = { fields: {}, variables: built.errors, parents: {} };
    if (!owner) local.fields.owner = 'required';
    if (!Object.keys(request).length && !Object.keys(built.errors).length && owner) {
      local.general = 'Nothing changed: edit a value, pick another version or another owner.';
    }
    if (local.general || Object.keys(local.fields).length || Object.keys(local.variables).length) {
      refuse(local);
      return;
    }
    await send(async () => onRequested(await api.requestChange({ resourceId: resource.id, request })));
  };

  return { submit, submitting, errors, clearErrors };
}
